package dev.balanced.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Balanced against the peers an application would use instead, in one run: the overhead per unit of
 * work of the in-process peers ({@link PeersBenchmark}) and of Pgpool-II's hop ({@link
 * PgpoolHopBenchmark}), then the offload workload with every peer ({@link OffloadWorkload}'s
 * default run). Prints both tables.
 *
 * <p>Arguments before {@code --offload} are JMH's command line for the overhead part (a benchmark
 * regex, {@code -f}, {@code -i}, ...); those after it are the offload workload's options. Without
 * arguments: the cases below at the benchmarks' defaults, about 18 minutes, then the offload
 * workload at its defaults, about 4 minutes.
 */
public final class PeerComparison {
  private static final String OFFLOAD = "--offload";

  /** The overhead cases in table order, with their labels. */
  private static final Map<String, String> CASES = new LinkedHashMap<>();

  static {
    CASES.put(PeersBenchmark.class.getName() + ".find", "Hibernate: find by id (read tx)");
    CASES.put(PeersBenchmark.class.getName() + ".query20", "Hibernate: query, 20 rows (read tx)");
    CASES.put(
        PeersBenchmark.class.getName() + ".persist", "Hibernate: persist + commit (write tx)");
    CASES.put(
        PgpoolHopBenchmark.class.getName() + ".find",
        "Hibernate: find by id (read tx), PostgreSQL");
  }

  /** The variants' labels of a run. */
  private static List<String> variants(BenchmarkParams params) {
    return params.getBenchmark().startsWith(PgpoolHopBenchmark.class.getName())
        ? PgpoolHopBenchmark.variants()
        : PeersBenchmark.variants(params.getParam(TRANSPORT));
  }

  private static final String TRANSPORT = "transport";

  /** What a run's transport adds to its case's label. */
  private static String transport(BenchmarkParams params) {
    String transport = params.getParam(TRANSPORT);
    if (transport == null) {
      return "";
    }
    return transport.equals(PeersBenchmark.TCP) ? ", H2 over loopback TCP" : ", H2 in memory";
  }

  private PeerComparison() {}

  public static void main(String[] args) throws Exception {
    int split = Arrays.asList(args).indexOf(OFFLOAD);
    String[] jmhArgs = split < 0 ? args : Arrays.copyOfRange(args, 0, split);
    String[] offloadArgs =
        split < 0 ? new String[0] : Arrays.copyOfRange(args, split + 1, args.length);
    CommandLineOptions cli;
    OffloadWorkload.Config offload;
    try {
      cli = new CommandLineOptions(jmhArgs);
      offload = OffloadWorkload.Config.parse(offloadArgs);
    } catch (CommandLineOptionException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("After " + OFFLOAD + ": " + OffloadWorkload.Config.USAGE);
      System.exit(2);
      return;
    }
    System.out.println(overhead(cli));
    System.out.println();
    System.out.println(OffloadWorkload.table(offload, OffloadWorkload.run(offload, System.err)));
  }

  /**
   * Runs the overhead cases {@code cli} selects (all by default; the Pgpool-II hop only where
   * {@code pgpool} is installed, else the table says so) and returns their table.
   */
  static String overhead(CommandLineOptions cli) throws RunnerException {
    List<String> defaults = new ArrayList<>();
    defaults.add(OverheadBenchmarks.allOf(PeersBenchmark.class.getName()));
    List<String> notes = new ArrayList<>();
    if (Pgpool.available()) {
      defaults.add(Pattern.quote(PgpoolHopBenchmark.class.getName() + ".find") + "$");
    } else if (cli.getIncludes().isEmpty()) {
      notes.add(Pgpool.INSTALL + ".");
    }
    ChainedOptionsBuilder options = OverheadBenchmarks.options(cli, defaults);
    String table =
        RotationTable.table(
            "Overhead per unit of work, Balanced and its peers",
            CASES,
            PeerComparison::variants,
            PeerComparison::transport,
            new Runner(options.build()).run());
    return notes.isEmpty() ? table : table + System.lineSeparator() + String.join(" ", notes);
  }
}
