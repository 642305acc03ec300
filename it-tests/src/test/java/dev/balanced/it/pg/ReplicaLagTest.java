package dev.balanced.it.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.internal.topology.Node;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import dev.balanced.testing.pg.PostgresCluster;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code max_replica_lag_ms} on real standbys: one further behind the primary than the limit is
 * left out of the selection, whatever the consistency mode, and given reads again once it has
 * caught up.
 */
@PostgresCluster(standbys = 2)
class ReplicaLagTest {
  private PgBalanced db;
  private PgCluster cluster;

  private void start(PgCluster cluster, int maxLagMs) {
    start(cluster, maxLagMs, Map.of());
  }

  private void start(PgCluster cluster, int maxLagMs, Map<String, Object> settings) {
    this.cluster = cluster;
    Map<String, Object> all = new HashMap<>(settings);
    all.put("hibernate.balanced.max_replica_lag_ms", String.valueOf(maxLagMs));
    all.put("hibernate.balanced.replica_lag_check_ms", "50");
    db = PgBalanced.start(cluster, all);
  }

  @AfterEach
  void stop() {
    try {
      if (db != null) {
        db.close();
      }
    } finally {
      for (PgNode standby : cluster.standbys()) {
        cluster.resumeReplay(standby);
        cluster.setApplyDelay(standby, Duration.ZERO);
      }
    }
  }

  private void write(String name) {
    db.inTransaction(em -> em.persist(new Account(name, 1)));
  }

  private Node node(PgNode standby) {
    return db.router().topology().node(standby.name());
  }

  /** Waits up to 10 s for the lag monitor's verdict on {@code standby} to be {@code behind}. */
  private void awaitBehind(PgNode standby, boolean behind) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (node(standby).isBehind() != behind && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(behind, node(standby).isBehind(), standby.name() + " behind");
  }

  @Test
  void aStandbyFurtherBehindThanTheLimitIsLeftOutUntilItHasCaughtUp(PgCluster cluster)
      throws InterruptedException {
    start(cluster, 500);
    PgNode paused = cluster.standby(1);
    PgNode up = cluster.standby(2);
    assertTrue(db.readsOfNewSessions(2).contains(paused.name() + " (selector)"), "serves at first");

    try (CapturedLog log = CapturedLog.start()) {
      cluster.pauseReplay(paused);
      write("behind");
      awaitBehind(paused, true);
      assertEquals(Collections.nCopies(4, up.name() + " (selector)"), db.readsOfNewSessions(4));
      log.assertLine(
          "WARN",
          "dev.balanced.topology",
          "replica " + paused.name() + " is",
          "behind the primary");
    }

    cluster.resumeReplay(paused);
    awaitBehind(paused, false);
    assertTrue(db.readsOfNewSessions(4).contains(paused.name() + " (selector)"), "serves again");
  }

  /** Lag tolerated by usingReplica() is still bounded by the limit: the primary serves instead. */
  @Test
  void withEveryStandbyBehindThePrimaryServesReads(PgCluster cluster) throws InterruptedException {
    start(cluster, 500);
    for (PgNode standby : cluster.standbys()) {
      cluster.pauseReplay(standby);
    }
    write("all-behind");
    for (PgNode standby : cluster.standbys()) {
      awaitBehind(standby, true);
    }

    assertEquals(
        List.of("primary (replica behind)", "primary (replica behind)"), db.readsOfNewSessions(2));
    try (EntityManager em = db.emf.createEntityManager();
        BalancedSession.Scope ignored = em.unwrap(BalancedSession.class).usingReplica()) {
      assertFalse(PgBalanced.readsFromStandby(em));
    }
  }

  /**
   * The monitor does not wait for a connection of a replica whose pool is all in use (here for up
   * to 5 s): the other replicas are measured meanwhile.
   */
  @Test
  void aReplicaWithEveryConnectionInUseDoesNotHoldUpTheOthers(PgCluster cluster)
      throws InterruptedException {
    PgNode busy = cluster.standby(1);
    PgNode paused = cluster.standby(2);
    String pool = "hibernate.balanced.replicas." + busy.name() + ".hikari.";
    start(cluster, 300, Map.of(pool + "maximumPoolSize", "1", pool + "connectionTimeout", "5000"));
    // Round robin: of two sessions in a row, one reads from each standby.
    try (EntityManager first = db.emf.createEntityManager();
        EntityManager second = db.emf.createEntityManager()) {
      first.getTransaction().begin();
      second.getTransaction().begin();
      List<String> serving =
          List.of(
              db.node(PgBalanced.servingPort(first)).name(),
              db.node(PgBalanced.servingPort(second)).name());
      assertTrue(serving.contains(busy.name()), serving.toString());

      cluster.pauseReplay(paused);
      write("behind-while-busy");
      long started = System.nanoTime();
      awaitBehind(paused, true);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(took.compareTo(Duration.ofMillis(2_500)) < 0, "found behind after " + took);
      first.getTransaction().commit();
      second.getTransaction().commit();
    }
  }

  /**
   * Lag runs from when the primary had the write, not from the standby's last replayed commit:
   * after a quiet spell longer than the limit, a write held back 300 ms by the apply delay is 300
   * ms of lag, within a 1 s limit.
   */
  @Test
  void aStandbyWithinTheLimitStaysAfterAQuietSpell(PgCluster cluster) throws Exception {
    start(cluster, 1000);
    PgNode delayed = cluster.standby(1);
    cluster.setApplyDelay(delayed, Duration.ofMillis(300));
    write("before-quiet");
    Thread.sleep(1_500);

    write("after-quiet");
    long written = System.nanoTime();
    long visibleAfter = -1;
    while (System.nanoTime() - written < Duration.ofMillis(1_500).toNanos()) {
      assertFalse(node(delayed).isBehind(), "a 300 ms apply delay is within 1000 ms");
      if (visibleAfter < 0 && hasAccount(delayed, "after-quiet")) {
        visibleAfter = System.nanoTime() - written;
      }
      Thread.sleep(10);
    }
    // The standby did hold the write back (300 ms; without a delay it shows within a few ms), so
    // there was lag to measure. 150 ms leaves room for a pause between commit and the clock read.
    assertTrue(visibleAfter >= Duration.ofMillis(150).toNanos(), "visible after " + visibleAfter);
  }

  private static boolean hasAccount(PgNode node, String owner) throws SQLException {
    try (Connection connection = node.connect();
        PreparedStatement query =
            connection.prepareStatement("select count(*) from account where owner = ?")) {
      query.setString(1, owner);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }
}
