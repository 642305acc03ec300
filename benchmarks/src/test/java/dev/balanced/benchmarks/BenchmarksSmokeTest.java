package dev.balanced.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Keeps both benchmark programs compiling and running: each runs end to end with tiny iteration
 * counts and must print its table. The numbers mean nothing here; the benchmarks proper are run by
 * hand (see README.md).
 */
class BenchmarksSmokeTest {

  @Test
  void overheadBenchmarksRunAndPrintTheRatioTable() throws Exception {
    String table =
        OverheadBenchmarks.run(
            new CommandLineOptions(
                "-f 1 -wi 2 -w 100ms -i 2 -r 100ms HibernateBenchmark.find|JdbcBenchmark"
                    .split(" ")));
    System.out.println(table);
    assertTrue(table.contains("| case | baseline us/op | Balanced us/op |"), table);
    assertTrue(table.contains("| Hibernate: find by id (read tx), metrics off | "), table);
    assertTrue(table.contains("| Hibernate: find by id (read tx), metrics on | "), table);
    assertTrue(table.contains("| JDBC: getConnection, prepared select, close | "), table);
    assertEquals(3, rows(table).size(), table);
  }

  /**
   * Every variant of the peer comparison's overhead part runs: Balanced, the Spring-style routing
   * and the AWS wrapper around Hibernate on H2 (in memory and over TCP), and Pgpool-II's hop on
   * PostgreSQL where {@code pgpool} is installed (else the table says it is left out, and so does
   * this test's output).
   */
  @Test
  void peerComparisonRunsEveryVariantAndPrintsItsTable() throws Exception {
    String table =
        PeerComparison.overhead(
            new CommandLineOptions("-f 1 -wi 8 -w 20ms -i 24 -r 20ms".split(" ")));
    System.out.println(table);
    for (String transport : List.of("H2 in memory", "H2 over loopback TCP")) {
      for (String variant : PeersBenchmark.variants(transport.endsWith("TCP") ? "tcp" : "mem")) {
        for (String operation :
            List.of("find by id (read tx)", "query, 20 rows (read tx)", "persist + commit")) {
          assertTrue(
              table.contains("| Hibernate: " + operation), () -> operation + " missing:\n" + table);
          assertEquals(
              1,
              rows(table).stream()
                  .filter(r -> r.contains(operation) && r.contains(transport))
                  .filter(r -> r.contains(" | " + variant + " | "))
                  .count(),
              () -> variant + ", " + operation + ", " + transport + ":\n" + table);
        }
      }
    }
    if (Pgpool.available()) {
      for (String variant : PgpoolHopBenchmark.variants()) {
        assertTrue(
            table.contains("| Hibernate: find by id (read tx), PostgreSQL | " + variant + " | "),
            () -> variant + " missing:\n" + table);
      }
    } else {
      System.out.println("Pgpool-II hop not measured here: " + Pgpool.INSTALL);
      assertTrue(table.contains(Pgpool.INSTALL), table);
    }
    // Every ratio is a number: each case ran enough complete rounds of all its variants.
    assertTrue(rows(table).stream().noneMatch(r -> r.contains("n/a")), table);
  }

  @Test
  void offloadWorkloadRunsEveryModeAndPrintsItsTable() {
    String table = runOffload("--users", "2", "--seconds", "2", "--warmup-seconds", "0.5");
    assertTrue(table.contains("lsn, lsn_wait_ms=50: "), table);
    assertTrue(
        table.contains("| Spring-style routing (read-only transactions on standbys) |"), table);
  }

  @Test
  void offloadWorkloadRunsOnMariaDbToo() {
    String table =
        runOffload(
            "--database", "mariadb", "--users", "2", "--seconds", "2", "--warmup-seconds", "0.5");
    assertTrue(table.contains("MariaDB primary + 2 GTID replicas, apply delay 1000 ms"), table);
    assertTrue(table.contains("position, lsn_wait_ms=500: "), table);
  }

  /** Runs every default mode with tiny counts; checks the table and that no request failed. */
  private static String runOffload(String... args) {
    OffloadWorkload.Config config = OffloadWorkload.Config.parse(args);
    List<OffloadWorkload.Result> results = OffloadWorkload.run(config, System.err);
    String table = OffloadWorkload.table(config, results);
    System.out.println(table);
    assertTrue(table.contains("| mode | requests/s | reads on replicas % | stale reads |"), table);
    assertEquals(config.modes().size(), rows(table).size(), table);
    for (OffloadWorkload.Result result : results) {
      assertTrue(result.requests() > 0, result.mode().label() + " ran no request");
      assertEquals(0, result.errors(), result.mode().label() + ": " + result.firstError());
    }
    assertTrue(table.contains("of the bound"), table);
    return table;
  }

  /** The table's data rows. */
  private static List<String> rows(String table) {
    return table
        .lines()
        .filter(
            line ->
                line.startsWith("| ") && !line.startsWith("| case") && !line.startsWith("| mode"))
        .toList();
  }
}
