package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process peers' overhead against plain Hibernate and Balanced, with the same units of work
 * ({@link UnitsOfWork}). The variants take {@link Turns} in one JVM over the same H2 database:
 *
 * <ol>
 *   <li>plain Hibernate over one HikariCP pool of the primary;
 *   <li>Balanced, primary and one replica;
 *   <li>Spring-style routing ({@link SpringStyleRouting}) over a pool of each;
 *   <li>over TCP: the AWS JDBC wrapper's read/write splitting ({@link AwsWrapperPool}) over both;
 *       in memory, which the wrapper cannot use: Balanced with its reads marked as the peers' are.
 * </ol>
 *
 * <p>{@code transport=mem}: the in-memory URL of the overhead table ({@link HibernateBenchmark}),
 * primary and replica alike. {@code transport=tcp}: two H2 TCP servers on loopback, one the primary
 * and one the replica (both serve the same in-memory database: a replica that never lags), since
 * the AWS wrapper takes hosts and ports only.
 *
 * <p>The two peers' read transactions are marked read-only as Spring does it ({@link
 * HibernateVariant#markingReadOnly}); plain Hibernate's and Balanced's are not (Balanced needs no
 * marking).
 */
@State(Scope.Thread)
@Warmup(iterations = PeersBenchmark.WARMUP_ITERATIONS, time = 1)
@Measurement(
    iterations = PeersBenchmark.MEASUREMENT_ITERATIONS,
    time = OverheadBenchmarks.MEASUREMENT_MILLIS,
    timeUnit = TimeUnit.MILLISECONDS)
public class PeersBenchmark extends UnitsOfWork {
  static final String TCP = "tcp";

  /**
   * The variants of a run with {@code transport}, in {@link Turns}' order; the first is the
   * baseline, the second Balanced. The AWS wrapper needs TCP. In memory, where there is no wrapper,
   * the fourth is Balanced with its read transactions marked as the peers' are: that marking makes
   * Hibernate skip work of its own (a read-only session keeps no snapshots to dirty-check), which
   * is not routing and must not be credited to a router.
   */
  static List<String> variants(String transport) {
    return List.of(
        "plain Hibernate",
        "Balanced",
        "Spring-style routing",
        transport.equals(TCP) ? "AWS JDBC wrapper" : "Balanced, reads marked read-only");
  }

  /** Whole rounds of {@link Turns} for four variants (8 iterations each). */
  static final int WARMUP_ITERATIONS = 24;

  static final int MEASUREMENT_ITERATIONS = 48;

  @Param({"mem", TCP})
  public String transport;

  private Server primary;
  private Server replica;

  @Setup(Level.Trial)
  public void start() {
    H2Bench.createSchema();
    String primaryUrl = H2Bench.URL;
    String replicaUrl = H2Bench.URL;
    if (transport.equals(TCP)) {
      primary = H2Bench.tcpServer();
      replica = H2Bench.tcpServer();
      primaryUrl = H2Bench.tcpUrl(primary);
      replicaUrl = H2Bench.tcpUrl(replica);
    }

    HikariDataSource plain = H2Bench.hikari("baseline", primaryUrl);
    HibernateVariant baseline =
        new HibernateVariant(
            H2Bench.entityManagerFactory(Map.of("hibernate.connection.datasource", plain)), plain);

    Map<String, Object> balancedSettings =
        H2Bench.balancedSettings("hibernate.balanced.", primaryUrl, replicaUrl);
    HibernateVariant balanced =
        new HibernateVariant(H2Bench.entityManagerFactory(balancedSettings));

    HikariDataSource springPrimary = H2Bench.hikari("spring-primary", primaryUrl);
    HikariDataSource springReplica = H2Bench.hikari("spring-replica", replicaUrl);
    HibernateVariant spring =
        HibernateVariant.markingReadOnly(
            H2Bench.entityManagerFactory(
                springSettings(
                    SpringStyleRouting.dataSource(springPrimary, List.of(springReplica)))),
            springPrimary,
            springReplica);
    if (!transport.equals(TCP)) {
      Map<String, Object> marked = new LinkedHashMap<>(balancedSettings);
      marked.put("hibernate.connection.handling_mode", HibernateVariant.SPRING_CONNECTION_HANDLING);
      takeTurns(
          List.of(
              baseline,
              balanced,
              spring,
              HibernateVariant.markingReadOnly(H2Bench.entityManagerFactory(marked))));
      return;
    }

    AwsWrapperPool wrapper =
        new AwsWrapperPool(
            "h2:tcp",
            List.of(H2Bench.hostAndPort(primary), H2Bench.hostAndPort(replica)),
            H2Bench.DATABASE,
            H2Bench.USER,
            H2Bench.PASSWORD,
            "unknown",
            Integer.parseInt(H2Bench.hikariSettings().get("maximumPoolSize")));
    HibernateVariant aws =
        HibernateVariant.markingReadOnly(
            H2Bench.entityManagerFactory(springSettings(wrapper.dataSource())), wrapper);

    takeTurns(List.of(baseline, balanced, spring, aws));
  }

  /** Hibernate over {@code dataSource}, with the connection handling Spring sets. */
  private static Map<String, Object> springSettings(javax.sql.DataSource dataSource) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("hibernate.connection.datasource", dataSource);
    settings.put("hibernate.connection.handling_mode", HibernateVariant.SPRING_CONNECTION_HANDLING);
    return settings;
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection(H2Bench.URL, H2Bench.USER, H2Bench.PASSWORD);
  }

  @Override
  protected void afterVariantsClosed() {
    if (primary != null) {
      primary.stop();
      replica.stop();
    }
  }
}
