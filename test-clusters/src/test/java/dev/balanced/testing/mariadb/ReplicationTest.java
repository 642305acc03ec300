package dev.balanced.testing.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The harness gives what a routing test needs: GTID replication, read_only, lag on demand. */
@MariaDbCluster(replicas = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @BeforeAll
  void schema(MariaCluster cluster) throws SQLException {
    execute(cluster.primary(), "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40))");
    cluster.waitForReplay(WAIT);
  }

  @Test
  void replicasApplyThePrimarysWritesByGtid(MariaCluster cluster) throws SQLException {
    execute(cluster.primary(), "INSERT INTO item VALUES (1, 'one')");
    cluster.waitForReplay(WAIT);
    for (MariaNode replica : cluster.replicas()) {
      assertEquals("one", query(replica, "SELECT name FROM item WHERE id = 1"));
      assertEquals("1", query(replica, "SELECT @@read_only"));
    }
    String position = cluster.primaryPosition();
    assertTrue(position.matches("0-1-\\d+"), position);
    assertEquals(position, query(cluster.replica(1), "SELECT @@gtid_slave_pos"));
  }

  @Test
  void readOnlyRefusesTheApplicationUsersWritesOnAReplica(MariaCluster cluster) {
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> execute(cluster.replica(1), "INSERT INTO item VALUES (99, 'nope')"));
    assertEquals(1290, e.getErrorCode(), e.getMessage()); // ER_OPTION_PREVENTS_STATEMENT
  }

  @Test
  void aPausedReplicaKeepsShowingTheOldDataUntilResumed(MariaCluster cluster) throws SQLException {
    MariaNode replica = cluster.replica(2);
    cluster.pauseReplay(replica);
    try {
      execute(cluster.primary(), "INSERT INTO item VALUES (2, 'two')");
      cluster.waitForReplay(cluster.replica(1), WAIT);
      assertEquals("two", query(cluster.replica(1), "SELECT name FROM item WHERE id = 2"));
      assertEquals(null, query(replica, "SELECT name FROM item WHERE id = 2"));
      assertThrows(
          RuntimeException.class, () -> cluster.waitForReplay(replica, Duration.ofMillis(300)));
    } finally {
      cluster.resumeReplay(replica);
    }
    cluster.waitForReplay(replica, WAIT);
    assertEquals("two", query(replica, "SELECT name FROM item WHERE id = 2"));
  }

  @Test
  void anApplyDelayHoldsTransactionsBackForThatLong(MariaCluster cluster) throws SQLException {
    MariaNode replica = cluster.replica(1);
    cluster.setApplyDelay(replica, Duration.ofSeconds(1));
    try {
      execute(cluster.primary(), "INSERT INTO item VALUES (3, 'three')");
      long written = System.nanoTime();
      assertEquals(null, query(replica, "SELECT name FROM item WHERE id = 3"));
      cluster.waitForReplay(replica, WAIT);
      assertTrue(System.nanoTime() - written >= 900_000_000L, "applied before the delay");
      assertEquals("three", query(replica, "SELECT name FROM item WHERE id = 3"));
    } finally {
      cluster.setApplyDelay(replica, Duration.ZERO);
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> cluster.setApplyDelay(replica, Duration.ofMillis(300)));
  }

  @Test
  void stoppedAndCrashedServersComeBackAndReplicationResumes(MariaCluster cluster)
      throws SQLException {
    MariaNode replica = cluster.replica(1);
    cluster.stop(replica);
    assertThrows(SQLException.class, () -> query(replica, "SELECT 1"));
    execute(cluster.primary(), "INSERT INTO item VALUES (4, 'four')");
    cluster.start(replica);
    cluster.waitForReplay(replica, WAIT);
    assertEquals("four", query(replica, "SELECT name FROM item WHERE id = 4"));

    cluster.crash(cluster.primary());
    assertFalse(cluster.primary().isRunning());
    cluster.start(cluster.primary());
    execute(cluster.primary(), "INSERT INTO item VALUES (5, 'five')");
    cluster.waitForReplay(WAIT);
    for (MariaNode r : cluster.replicas()) {
      assertEquals("five", query(r, "SELECT name FROM item WHERE id = 5"));
    }
  }

  static void execute(MariaNode node, String sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static String query(MariaNode node, String sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
