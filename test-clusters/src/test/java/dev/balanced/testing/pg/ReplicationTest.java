package dev.balanced.testing.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming replication to two hot standbys, and the controls for replay and for nodes. */
@PostgresCluster(standbys = 2)
class ReplicationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final AtomicLong ids = new AtomicLong();

  @BeforeAll
  static void createTable(PgCluster cluster) throws SQLException {
    Sql.execute(cluster.primary(), "CREATE TABLE item (id bigint PRIMARY KEY)");
    Sql.execute(cluster.primary(), "CREATE SEQUENCE item_seq");
    cluster.waitForReplay(TIMEOUT);
  }

  @Test
  void nodesAreNamedAndReachableOnTheirPorts(PgCluster cluster) throws SQLException {
    assertEquals("primary", cluster.primary().name());
    assertEquals(
        List.of("standby1", "standby2"), cluster.standbys().stream().map(PgNode::name).toList());
    for (PgNode node : cluster.nodes()) {
      assertEquals("jdbc:postgresql://127.0.0.1:" + node.port() + "/app", node.jdbcUrl());
      assertEquals(Integer.toString(node.port()), Sql.query(node, "SELECT inet_server_port()"));
      assertEquals("app", Sql.query(node, "SELECT current_database()"));
      assertEquals("postgres", Sql.query(node, "SELECT current_user"));
    }
    assertEquals(3, cluster.nodes().stream().mapToInt(PgNode::port).distinct().count());
  }

  @Test
  void standbysAreInRecoveryAndThePrimaryIsNot(PgCluster cluster) throws SQLException {
    assertEquals("f", Sql.query(cluster.primary(), "SELECT pg_is_in_recovery()"));
    for (PgNode standby : cluster.standbys()) {
      assertEquals("t", Sql.query(standby, "SELECT pg_is_in_recovery()"));
      assertEquals("streaming", Sql.query(standby, "SELECT status FROM pg_stat_wal_receiver"));
    }
    assertEquals("2", Sql.query(cluster.primary(), "SELECT count(*) FROM pg_stat_replication"));
  }

  @Test
  void aWriteOnThePrimaryIsVisibleOnEveryStandbyAfterWaitForReplay(PgCluster cluster)
      throws SQLException {
    long id = ids.incrementAndGet();
    Sql.execute(cluster.primary(), "INSERT INTO item VALUES (" + id + ")");
    for (PgNode standby : cluster.standbys()) {
      cluster.waitForReplay(standby, TIMEOUT);
      assertTrue(Sql.hasRow(standby, "item", id), standby.name());
    }
  }

  @Test
  void standbysRejectWritesAndNextval(PgCluster cluster) {
    PgNode standby = cluster.standby(1);
    SQLException insert =
        assertThrows(
            SQLException.class, () -> Sql.execute(standby, "INSERT INTO item VALUES (-1)"));
    assertTrue(
        insert.getMessage().contains("cannot execute INSERT in a read-only transaction"),
        insert.getMessage());
    SQLException nextval =
        assertThrows(SQLException.class, () -> Sql.query(standby, "SELECT nextval('item_seq')"));
    assertTrue(
        nextval.getMessage().contains("cannot execute nextval() in a read-only transaction"),
        nextval.getMessage());
  }

  @Test
  void aPausedStandbyReceivesButDoesNotApplyUntilResumed(PgCluster cluster) throws Exception {
    PgNode paused = cluster.standby(1);
    cluster.pauseReplay(paused);
    try {
      long id = ids.incrementAndGet();
      Sql.execute(cluster.primary(), "INSERT INTO item VALUES (" + id + ")");
      String lsn = Sql.query(cluster.primary(), "SELECT pg_current_wal_lsn()");
      // The other standby applies it: the row is committed and shipped.
      cluster.waitForReplay(cluster.standby(2), TIMEOUT);
      assertTrue(Sql.hasRow(cluster.standby(2), "item", id));
      // The paused one has received the WAL and is paused, yet does not show the row.
      awaitTrue(
          paused,
          "SELECT pg_last_wal_receive_lsn() >= '"
              + lsn
              + "'::pg_lsn"
              + " AND pg_get_wal_replay_pause_state() = 'paused'");
      for (int i = 0; i < 5; i++) {
        assertFalse(Sql.hasRow(paused, "item", id), "visible although replay is paused");
        Thread.sleep(50);
      }
      PgClusterException timeout =
          assertThrows(
              PgClusterException.class,
              () -> cluster.waitForReplay(paused, Duration.ofMillis(200)));
      assertTrue(timeout.getMessage().contains("replay is paused"), timeout.getMessage());

      cluster.resumeReplay(paused);
      cluster.waitForReplay(paused, TIMEOUT);
      assertTrue(Sql.hasRow(paused, "item", id));
    } finally {
      cluster.resumeReplay(paused);
    }
  }

  @Test
  void aStoppedStandbyCatchesUpWhenStartedAgain(PgCluster cluster) throws Exception {
    PgNode standby = cluster.standby(2);
    int port = standby.port();
    cluster.stop(standby);
    assertFalse(standby.isRunning());
    assertThrows(SQLException.class, () -> Sql.query(standby, "SELECT 1"));

    long id = ids.incrementAndGet();
    Sql.execute(cluster.primary(), "INSERT INTO item VALUES (" + id + ")");
    cluster.waitForReplay(cluster.standby(1), TIMEOUT);

    cluster.start(standby);
    assertTrue(standby.isRunning());
    assertEquals(port, standby.port());
    cluster.waitForReplay(standby, TIMEOUT);
    assertTrue(Sql.hasRow(standby, "item", id));
  }

  @Test
  void standbysReconnectToARestartedPrimary(PgCluster cluster) throws Exception {
    cluster.stop(cluster.primary());
    cluster.start(cluster.primary());
    long id = ids.incrementAndGet();
    Sql.execute(cluster.primary(), "INSERT INTO item VALUES (" + id + ")");
    cluster.waitForReplay(TIMEOUT);
    for (PgNode standby : cluster.standbys()) {
      assertTrue(Sql.hasRow(standby, "item", id), standby.name());
    }
  }

  private static void awaitTrue(PgNode node, String booleanSql) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!"t".equals(Sql.query(node, booleanSql))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not true on " + node.name() + " within " + TIMEOUT + ": " + booleanSql);
      }
      Thread.sleep(10);
    }
  }
}
