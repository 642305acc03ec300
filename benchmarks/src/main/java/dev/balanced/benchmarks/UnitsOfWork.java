package dev.balanced.benchmarks;

import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One JPA unit of work per operation, as an application runs it: open an entity manager, begin,
 * work, commit, close. Subclasses set up the {@link HibernateVariant}s, which take {@link Turns}
 * iteration by iteration, over a table {@link H2Bench#createSchema(Connection)} made, and choose
 * their warm-up and measurement; the mode, unit and forks below are JMH annotations their classes
 * inherit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = OverheadBenchmarks.FORKS,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.jboss.logging.provider=slf4j"})
public abstract class UnitsOfWork {
  private static final String TWENTY_ROWS =
      "select i from BenchItem i where i.id between :first and :last order by i.id";

  private final List<HibernateVariant> variants = new ArrayList<>();
  private Turns<HibernateVariant> turns;
  private HibernateVariant variant;
  private long next;

  /** Called once by the subclass's trial set-up: the variants, in {@link Turns}' order. */
  protected final void takeTurns(List<HibernateVariant> inOrder) {
    variants.addAll(inOrder);
    turns = new Turns<>(inOrder);
  }

  /** A connection to the database all variants work on, for the clean-up between iterations. */
  protected abstract Connection connect() throws SQLException;

  @Setup(Level.Iteration)
  public void takeTurn() {
    variant = turns.next();
  }

  /**
   * {@code persist} inserts some 100,000 rows an iteration. They are deleted and collected here, so
   * that the next iteration, another variant's, neither works on a bigger table nor pays for a
   * collection of this one's garbage.
   */
  @TearDown(Level.Iteration)
  public void deleteWrittenRows() throws SQLException {
    int deleted;
    try (Connection c = connect()) {
      deleted = H2Bench.deleteWrittenRows(c);
    }
    if (deleted > 0) {
      System.gc();
    }
  }

  @TearDown(Level.Trial)
  public void closeVariants() throws Exception {
    Exception failure = null;
    for (HibernateVariant v : variants) {
      try {
        v.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    variants.clear();
    afterVariantsClosed();
    if (failure != null) {
      throw failure;
    }
  }

  /** Stops what the variants' pools connected to; called once they are closed. */
  protected void afterVariantsClosed() {}

  /** The next preloaded id, cycling through all of them. */
  private long nextId() {
    next = next % H2Bench.ROWS + 1;
    return next;
  }

  /** A read transaction of one {@code find} by id. */
  @Benchmark
  public BenchItem find() {
    HibernateVariant v = variant;
    try (EntityManager em = v.entityManagerFactory.createEntityManager()) {
      v.beginRead(em);
      BenchItem item;
      try {
        item = em.find(BenchItem.class, nextId());
      } catch (RuntimeException e) {
        v.abandonRead(em);
        throw e;
      }
      v.commitRead(em);
      return item;
    }
  }

  /** A read transaction of one query returning 20 rows. */
  @Benchmark
  public List<BenchItem> query20() {
    long first = nextId() % (H2Bench.ROWS - 19);
    HibernateVariant v = variant;
    try (EntityManager em = v.entityManagerFactory.createEntityManager()) {
      v.beginRead(em);
      List<BenchItem> items;
      try {
        items =
            em.createQuery(TWENTY_ROWS, BenchItem.class)
                .setParameter("first", first)
                .setParameter("last", first + 19)
                .getResultList();
      } catch (RuntimeException e) {
        v.abandonRead(em);
        throw e;
      }
      v.commitRead(em);
      return items;
    }
  }

  /** A write transaction: persist one new entity and commit. */
  @Benchmark
  public BenchItem persist() {
    try (EntityManager em = variant.entityManagerFactory.createEntityManager()) {
      em.getTransaction().begin();
      BenchItem item = new BenchItem("new", nextId());
      em.persist(item);
      em.getTransaction().commit();
      return item;
    }
  }
}
