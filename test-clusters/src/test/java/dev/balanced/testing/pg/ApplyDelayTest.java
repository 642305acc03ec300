package dev.balanced.testing.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code recovery_min_apply_delay}: a standby that lags by a known time. Also shows the extension's
 * injection into a constructor, a static {@code @BeforeAll} and a {@code @Nested} class, which all
 * get the same cluster.
 */
@PostgresCluster(standbys = 1, applyDelayMs = 300)
class ApplyDelayTest {
  private static final AtomicLong ids = new AtomicLong();
  private static PgCluster fromBeforeAll;

  private final PgCluster cluster;

  ApplyDelayTest(PgCluster cluster) {
    this.cluster = cluster;
  }

  @BeforeAll
  static void createTable(PgCluster cluster) throws SQLException {
    fromBeforeAll = cluster;
    Sql.execute(cluster.primary(), "CREATE TABLE delayed (id bigint PRIMARY KEY)");
    cluster.waitForReplay(Duration.ofSeconds(30));
  }

  @Test
  void theStandbyIsConfiguredWithTheDelay() throws SQLException {
    assertSame(fromBeforeAll, cluster);
    assertEquals("300ms", Sql.query(cluster.standby(1), "SHOW recovery_min_apply_delay"));
  }

  @Test
  void aCommitShowsOnTheStandbyOnlyAfterTheDelay() throws Exception {
    PgNode standby = cluster.standby(1);
    long id = ids.incrementAndGet();
    // Connections opened beforehand, so that the first look at the standby comes within a few
    // milliseconds of the commit, well inside the 300 ms, even on a slow machine.
    try (Connection primary = cluster.primary().connect();
        Statement insert = primary.createStatement();
        Connection replica = standby.connect();
        PreparedStatement select =
            replica.prepareStatement("SELECT count(*) FROM delayed WHERE id = ?")) {
      select.setLong(1, id);
      long before = System.nanoTime();
      insert.executeUpdate("INSERT INTO delayed VALUES (" + id + ")");
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        assertEquals(0, rs.getLong(1), "visible on the standby at once");
      }
      assertTrue(Sql.hasRow(cluster.primary(), "delayed", id));

      Sql.awaitRow(standby, "delayed", id, Duration.ofSeconds(10));
      long visibleAfterMs = (System.nanoTime() - before) / 1_000_000;
      // The standby applies the commit 300 ms after its commit timestamp, which is after `before`.
      assertTrue(visibleAfterMs >= 290, "visible after " + visibleAfterMs + " ms");
    }
  }

  @Test
  void waitForReplayWaitsOutTheDelay() throws Exception {
    long id = ids.incrementAndGet();
    Sql.execute(cluster.primary(), "INSERT INTO delayed VALUES (" + id + ")");
    cluster.waitForReplay(cluster.standby(1), Duration.ofSeconds(10));
    assertTrue(Sql.hasRow(cluster.standby(1), "delayed", id));
  }

  @Test
  void theDelayCanBeChangedAtRunTime() throws Exception {
    PgNode standby = cluster.standby(1);
    try {
      cluster.setApplyDelay(Duration.ofSeconds(5));
      assertEquals("5s", Sql.query(standby, "SHOW recovery_min_apply_delay"));
      long id = ids.incrementAndGet();
      long before = System.nanoTime();
      Sql.execute(cluster.primary(), "INSERT INTO delayed VALUES (" + id + ")");
      for (int i = 0; i < 10; i++) {
        assertFalse(Sql.hasRow(standby, "delayed", id), "visible despite a 5 s delay");
        Thread.sleep(50);
      }
      // Lifting the delay releases the waiting commit long before the 5 s are up.
      cluster.setApplyDelay(Duration.ZERO);
      Sql.awaitRow(standby, "delayed", id, Duration.ofSeconds(10));
      long visibleAfterMs = (System.nanoTime() - before) / 1_000_000;
      assertTrue(visibleAfterMs < 4500, "visible only after " + visibleAfterMs + " ms");
    } finally {
      cluster.setApplyDelay(Duration.ofMillis(300));
    }
  }

  @Nested
  class InANestedClass {
    @Test
    void theSameClusterIsInjected(PgCluster nested) {
      assertSame(cluster, nested);
    }
  }
}
