package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.balanced.metrics.BalancedMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One JPA unit of work per operation, as an application runs it: open an entity manager, begin,
 * work, commit, close. {@code baseline}: plain Hibernate over one HikariCP pool (passed as {@code
 * hibernate.connection.datasource}). {@code balanced}: the same Hibernate through Balanced, primary
 * and one replica. Both entity manager factories run in the same JVM over the same H2 database and
 * take {@link Turns}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = OverheadBenchmarks.FORKS,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.jboss.logging.provider=slf4j"})
@Warmup(iterations = OverheadBenchmarks.WARMUP_ITERATIONS, time = 1)
@Measurement(
    iterations = OverheadBenchmarks.MEASUREMENT_ITERATIONS,
    time = OverheadBenchmarks.MEASUREMENT_MILLIS,
    timeUnit = TimeUnit.MILLISECONDS)
public class HibernateBenchmark {
  private static final String TWENTY_ROWS =
      "select i from BenchItem i where i.id between :first and :last order by i.id";

  /**
   * Metrics off, or on: then Balanced counts into a registry, and both sides' pools report through
   * HikariCP's Micrometer tracker, as a monitored application's would. The ratio then is Balanced's
   * routing plus its own counters against plain Hibernate with the same pool metrics; the pool's
   * per-borrow timers, which plain HikariCP pays as well, cancel out.
   */
  @Param({"off", "on"})
  public String metrics;

  private HikariDataSource pool;
  private EntityManagerFactory baseline;
  private EntityManagerFactory balanced;
  private Turns<EntityManagerFactory> turns;
  private EntityManagerFactory emf;
  private long next;

  @Setup(Level.Trial)
  public void start() {
    H2Bench.createSchema();
    pool = H2Bench.hikari();
    Map<String, Object> settings = H2Bench.balancedSettings("hibernate.balanced.");
    if (metrics.equals("on")) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
      settings.put("hibernate.balanced.listeners", new BalancedMetrics(registry));
    }
    baseline = H2Bench.entityManagerFactory(Map.of("hibernate.connection.datasource", pool));
    balanced = H2Bench.entityManagerFactory(settings);
    turns = new Turns<>(baseline, balanced);
  }

  @Setup(Level.Iteration)
  public void takeTurn() {
    emf = turns.next();
  }

  /**
   * {@code persist} inserts some 100,000 rows an iteration. They are deleted and collected here, so
   * that the next iteration, the other variant's, neither works on a bigger table nor pays for a
   * collection of this one's garbage.
   */
  @TearDown(Level.Iteration)
  public void deleteWrittenRows() {
    if (H2Bench.deleteWrittenRows() > 0) {
      System.gc();
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    baseline.close();
    balanced.close();
    pool.close();
  }

  /** The next preloaded id, cycling through all of them. */
  private long nextId() {
    next = next % H2Bench.ROWS + 1;
    return next;
  }

  /** A read transaction of one {@code find} by id. */
  @Benchmark
  public BenchItem find() {
    try (EntityManager em = emf.createEntityManager()) {
      em.getTransaction().begin();
      BenchItem item = em.find(BenchItem.class, nextId());
      em.getTransaction().commit();
      return item;
    }
  }

  /** A read transaction of one query returning 20 rows. */
  @Benchmark
  public List<BenchItem> query20() {
    long first = nextId() % (H2Bench.ROWS - 19);
    try (EntityManager em = emf.createEntityManager()) {
      em.getTransaction().begin();
      List<BenchItem> items =
          em.createQuery(TWENTY_ROWS, BenchItem.class)
              .setParameter("first", first)
              .setParameter("last", first + 19)
              .getResultList();
      em.getTransaction().commit();
      return items;
    }
  }

  /** A write transaction: persist one new entity and commit. */
  @Benchmark
  public BenchItem persist() {
    try (EntityManager em = emf.createEntityManager()) {
      em.getTransaction().begin();
      BenchItem item = new BenchItem("new", nextId());
      em.persist(item);
      em.getTransaction().commit();
      return item;
    }
  }
}
