package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgClusterOptions;
import dev.balanced.testing.pg.PgNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a proxy's extra network hop costs, against what Balanced costs, on one real PostgreSQL
 * server (started by {@link PgCluster}, no standby): plain Hibernate over a HikariCP pool connected
 * to the server directly; Balanced with the server as its primary and its replica; plain Hibernate
 * connected through {@link Pgpool} in front of the same server. The three take {@link Turns} in one
 * JVM; the units of work are {@link UnitsOfWork}'. Needs the {@code pgpool} program.
 */
@State(Scope.Thread)
@Warmup(iterations = PgpoolHopBenchmark.WARMUP_ITERATIONS, time = 1)
@Measurement(
    iterations = PgpoolHopBenchmark.MEASUREMENT_ITERATIONS,
    time = OverheadBenchmarks.MEASUREMENT_MILLIS,
    timeUnit = TimeUnit.MILLISECONDS)
public class PgpoolHopBenchmark extends UnitsOfWork {
  /** The variants in {@link Turns}' order; the first is the baseline, the second Balanced. */
  static List<String> variants() {
    return List.of("plain Hibernate, direct", "Balanced", "plain Hibernate through Pgpool-II");
  }

  /** Whole rounds of {@link Turns} for three variants (6 iterations each). */
  static final int WARMUP_ITERATIONS = 18;

  static final int MEASUREMENT_ITERATIONS = 48;

  private PgCluster cluster;
  private Pgpool pgpool;

  @Setup(Level.Trial)
  public void start() throws SQLException {
    if (!Pgpool.available()) {
      throw new IllegalStateException(Pgpool.INSTALL);
    }
    cluster = PgCluster.start(PgClusterOptions.defaults().standbys(0));
    try {
      setUp(cluster.primary());
    } catch (RuntimeException | Error | SQLException e) {
      try {
        closeVariants();
      } catch (Exception alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
  }

  private void setUp(PgNode server) throws SQLException {
    try (Connection c = server.connect()) {
      H2Bench.createSchema(c);
    }
    int poolSize = Integer.parseInt(H2Bench.hikariSettings().get("maximumPoolSize"));
    pgpool = new Pgpool(List.of(server), poolSize + 2, 0);

    HikariDataSource direct =
        H2Bench.hikari("direct", server.jdbcUrl(), server.user(), server.password());
    HikariDataSource throughPgpool =
        H2Bench.hikari(
            "pgpool", pgpool.jdbcUrl(cluster.database()), server.user(), server.password());
    takeTurns(
        List.of(
            new HibernateVariant(
                H2Bench.entityManagerFactory(Map.of("hibernate.connection.datasource", direct)),
                direct),
            new HibernateVariant(
                H2Bench.entityManagerFactory(
                    H2Bench.balancedSettings(
                        "hibernate.balanced.",
                        server.jdbcUrl(),
                        server.jdbcUrl(),
                        server.user(),
                        server.password()))),
            new HibernateVariant(
                H2Bench.entityManagerFactory(
                    Map.of("hibernate.connection.datasource", throughPgpool)),
                throughPgpool)));
  }

  @Override
  protected Connection connect() throws SQLException {
    return cluster.primary().connect();
  }

  @Override
  protected void afterVariantsClosed() {
    if (pgpool != null) {
      pgpool.close();
    }
    cluster.close();
  }
}
