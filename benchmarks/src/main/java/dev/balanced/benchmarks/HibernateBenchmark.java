package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.balanced.metrics.BalancedMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The routing overhead: {@code baseline}, plain Hibernate over one HikariCP pool (passed as {@code
 * hibernate.connection.datasource}), against {@code balanced}, the same Hibernate through Balanced,
 * primary and one replica. Both entity manager factories run in the same JVM over the same
 * in-memory H2 database and take {@link Turns}; the units of work are {@link UnitsOfWork}'.
 */
@State(Scope.Thread)
@Warmup(iterations = OverheadBenchmarks.WARMUP_ITERATIONS, time = 1)
@Measurement(
    iterations = OverheadBenchmarks.MEASUREMENT_ITERATIONS,
    time = OverheadBenchmarks.MEASUREMENT_MILLIS,
    timeUnit = TimeUnit.MILLISECONDS)
public class HibernateBenchmark extends UnitsOfWork {
  /**
   * Metrics off, or on: then Balanced counts into a registry, and both sides' pools report through
   * HikariCP's Micrometer tracker, as a monitored application's would. The ratio then is Balanced's
   * routing plus its own counters against plain Hibernate with the same pool metrics; the pool's
   * per-borrow timers, which plain HikariCP pays as well, cancel out.
   */
  @Param({"off", "on"})
  public String metrics;

  @Setup(Level.Trial)
  public void start() {
    H2Bench.createSchema();
    HikariDataSource pool = H2Bench.hikari();
    Map<String, Object> settings = H2Bench.balancedSettings("hibernate.balanced.");
    if (metrics.equals("on")) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
      settings.put("hibernate.balanced.listeners", new BalancedMetrics(registry));
    }
    takeTurns(
        List.of(
            new HibernateVariant(
                H2Bench.entityManagerFactory(Map.of("hibernate.connection.datasource", pool)),
                pool),
            new HibernateVariant(H2Bench.entityManagerFactory(settings))));
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection(H2Bench.URL, H2Bench.USER, H2Bench.PASSWORD);
  }
}
