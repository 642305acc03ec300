package dev.balanced.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.BalancedDataSource;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hot-path rules of the overhead benchmarks, checked on every test run: Balanced allocates
 * nothing per statement or per loaded row (no routing object per statement, no logging work with
 * DEBUG off, which it is here), and a unit of work costs it a small, fixed number of bytes. The
 * benchmarks measure time, which a noisy machine blurs by a few percent; bytes allocated by the
 * test's thread are exact, so a regression shows here at once.
 *
 * <p>Each side is measured as in the benchmarks: over the same H2 database, the baseline through a
 * plain HikariCP pool, Balanced through a primary and a replica at that database. Allocation is
 * HotSpot's per-thread counter, unaffected by timing and garbage collection. Per statement (or row)
 * is the growth from a unit of work with {@link #FEW} to one with {@link #MANY}, beyond the
 * baseline's; whatever the two sides share (the driver, the pool, Hibernate) cancels out.
 */
class HotPathAllocationTest {
  private static final String SELECT = "select name, amount from bench_item where id = ?";
  private static final String ROWS =
      "select i from VersionedItem i where i.id between 1 and :last order by i.id";

  /**
   * Statements or rows of the two larger units of work, whose difference gives the cost per
   * statement or row. Not one against many: the compiler may remove the per-unit objects of a
   * one-statement unit of work (escape analysis) and keep those of a longer one, which would look
   * like a cost per statement.
   */
  private static final int FEW = 21;

  private static final int MANY = 101;

  /** Units of work per measurement, and to warm up. */
  private static final int UNITS = 1_000;

  /** Measurements of each unit of work, taken in turns with the others. */
  private static final int ROUNDS = 5;

  /**
   * The smallest object is 16 bytes: one routing object per statement or row would cost at least
   * that much.
   */
  private static final double PER_STATEMENT_LIMIT = 16;

  /**
   * Balanced's fixed cost per unit of work: when this test was written, 184 B for JDBC (the routing
   * session, its private pinning context, the routing connection and its node array) and 185 to 250
   * B for Hibernate (plus the tenant and the session wrapper; it varies with what the compiler
   * makes of Hibernate). The budget leaves room for that and a field or two, not for a structure
   * made per call.
   */
  private static final double PER_UNIT_BUDGET = 400;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static HikariDataSource pool;
  private static BalancedDataSource balancedDataSource;
  private static EntityManagerFactory baseline;
  private static EntityManagerFactory balanced;

  @BeforeAll
  static void start() throws SQLException {
    assertTrue(
        THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
        "this JVM does not count allocation per thread; run the tests on HotSpot (OpenJDK)");
    H2Bench.createSchema();
    createVersionedItems();
    pool = H2Bench.hikari();
    balancedDataSource = BalancedDataSource.fromProperties(H2Bench.balancedSettings("balanced."));
    baseline =
        H2Bench.entityManagerFactory(
            Map.of("hibernate.connection.datasource", pool), VersionedItem.class);
    balanced =
        H2Bench.entityManagerFactory(
            H2Bench.balancedSettings("hibernate.balanced."), VersionedItem.class);
  }

  private static void createVersionedItems() throws SQLException {
    try (Connection c = DriverManager.getConnection(H2Bench.URL, H2Bench.USER, H2Bench.PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("drop table if exists versioned_item");
      s.execute(
          "create table versioned_item(id bigint primary key, name varchar(100), version int)");
      s.execute(
          "insert into versioned_item select x, 'item-' || x, 0 from system_range(1, "
              + MANY
              + ")");
    }
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {balanced, baseline, balancedDataSource}) {
      if (closeable != null) {
        try {
          closeable.close();
        } catch (Exception e) {
          // Closing the rest matters more; the test has its verdict already.
        }
      }
    }
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void jdbcStatementsAllocateNothingExtraAndAUnitOfWorkLittle() throws Exception {
    Extra extra =
        Extra.measure(
            statements -> selects(pool, statements),
            statements -> selects(balancedDataSource, statements));
    extra.assertWithinLimits("JDBC: getConnection, prepared selects, close");
  }

  @Test
  void hibernateRowsAllocateNothingExtraAndAUnitOfWorkLittle() throws Exception {
    Extra extra = Extra.measure(rows -> query(baseline, rows), rows -> query(balanced, rows));
    extra.assertWithinLimits("Hibernate: read transaction, query of versioned entities");
  }

  @Test
  void hibernateFindAllocatesLittleExtra() throws Exception {
    double[] bytes = bytesPerUnit(() -> find(baseline), () -> find(balanced));
    double baselineBytes = bytes[0];
    double balancedBytes = bytes[1];
    double extra = balancedBytes - baselineBytes;
    String measured =
        String.format(
            "Hibernate: read transaction, find: per unit of work %.0f B extra (B per unit:"
                + " baseline %.0f, Balanced %.0f)",
            extra, baselineBytes, balancedBytes);
    System.out.println(measured);
    assertTrue(
        extra <= PER_UNIT_BUDGET,
        measured + ": more per unit of work than the budget of " + PER_UNIT_BUDGET + " B");
  }

  /** One JDBC unit of work: a connection, {@code statements} prepared selects, close. */
  private static void selects(DataSource dataSource, int statements) throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      for (int i = 1; i <= statements; i++) {
        try (PreparedStatement select = connection.prepareStatement(SELECT)) {
          select.setLong(1, i);
          try (ResultSet rs = select.executeQuery()) {
            rs.next();
          }
        }
      }
    }
  }

  /** One JPA read transaction loading {@code rows} versioned entities. */
  private static void query(EntityManagerFactory emf, int rows) {
    try (EntityManager em = emf.createEntityManager()) {
      em.getTransaction().begin();
      List<VersionedItem> items =
          em.createQuery(ROWS, VersionedItem.class)
              .setParameter("last", (long) rows)
              .getResultList();
      em.getTransaction().commit();
      if (items.size() != rows) {
        throw new IllegalStateException("expected " + rows + " rows, got " + items.size());
      }
    }
  }

  private static void find(EntityManagerFactory emf) {
    try (EntityManager em = emf.createEntityManager()) {
      em.getTransaction().begin();
      em.find(BenchItem.class, 1L);
      em.getTransaction().commit();
    }
  }

  /** A unit of work of a given size: statements, or rows. */
  private interface Unit {
    void run(int size) throws Exception;
  }

  private interface Work {
    void run() throws Exception;
  }

  /**
   * Bytes this thread allocates per run of each of {@code works}: all are warmed up first, then
   * measured in turns, and each keeps its smallest mean over the rounds. Taking turns gives each
   * the same compiled code (measured one after the other, the first would pay for code not yet
   * optimized); the smallest mean leaves out a rare allocation (a pool's bookkeeping, a cache
   * filling).
   */
  private static double[] bytesPerUnit(Work... works) throws Exception {
    for (Work work : works) {
      for (int i = 0; i < UNITS; i++) {
        work.run();
      }
    }
    double[] smallest = new double[works.length];
    Arrays.fill(smallest, Double.MAX_VALUE);
    for (int round = 0; round < ROUNDS; round++) {
      for (int w = 0; w < works.length; w++) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < UNITS; i++) {
          works[w].run();
        }
        long after = THREADS.getCurrentThreadAllocatedBytes();
        smallest[w] = Math.min(smallest[w], (after - before) / (double) UNITS);
      }
    }
    return smallest;
  }

  /** What Balanced allocates beyond the baseline: per unit of work, and per statement or row. */
  private record Extra(double perUnit, double perStatement, String measured) {

    static Extra measure(Unit baseline, Unit balanced) throws Exception {
      double[] bytes =
          bytesPerUnit(
              () -> baseline.run(1),
              () -> balanced.run(1),
              () -> baseline.run(FEW),
              () -> balanced.run(FEW),
              () -> baseline.run(MANY),
              () -> balanced.run(MANY));
      double[] baselineBytes = {bytes[0], bytes[2], bytes[4]};
      double[] balancedBytes = {bytes[1], bytes[3], bytes[5]};
      double perUnit = balancedBytes[0] - baselineBytes[0];
      double perStatement =
          ((balancedBytes[2] - balancedBytes[1]) - (baselineBytes[2] - baselineBytes[1]))
              / (MANY - FEW);
      String measured =
          String.format(
              "per unit of work %.0f B extra, per statement or row %.2f B extra (B per unit of 1 /"
                  + " %d / %d: baseline %.0f / %.0f / %.0f, Balanced %.0f / %.0f / %.0f)",
              perUnit,
              perStatement,
              FEW,
              MANY,
              baselineBytes[0],
              baselineBytes[1],
              baselineBytes[2],
              balancedBytes[0],
              balancedBytes[1],
              balancedBytes[2]);
      return new Extra(perUnit, perStatement, measured);
    }

    void assertWithinLimits(String what) {
      String measured = what + ": " + this.measured;
      System.out.println(measured);
      assertTrue(
          perStatement < PER_STATEMENT_LIMIT,
          measured + ": Balanced allocates per statement or row, expected nothing");
      assertTrue(
          perUnit <= PER_UNIT_BUDGET,
          measured + ": more per unit of work than the budget of " + PER_UNIT_BUDGET + " B");
    }
  }
}
