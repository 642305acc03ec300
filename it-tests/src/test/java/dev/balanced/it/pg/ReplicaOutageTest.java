package dev.balanced.it.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import dev.balanced.hibernate.internal.BalancedServiceContributor;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import dev.balanced.testing.pg.PostgresCluster;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A standby that goes down while the application runs: the unit of work that finds it down reads
 * from the primary instead, later ones are given the other standby without waiting for the dead
 * one's pool, and the standby serves reads again once it is back.
 */
@PostgresCluster(standbys = 2)
class ReplicaOutageTest {
  private PgBalanced db;
  private PgCluster cluster;

  /**
   * How far the test moved Balanced's outage clock ahead of real time: a retry that is due after
   * replica_retry_seconds comes due when the test says, not after a sleep.
   */
  private final AtomicLong clockAhead = new AtomicLong();

  private void letSecondsPass(double seconds) {
    clockAhead.addAndGet((long) (seconds * 1e9));
  }

  /**
   * Balanced over {@code cluster} whose pools give up on a dead node after 1 s (HikariCP's default
   * is 30 s), and which tries an unreachable replica again after {@code retrySeconds} (PgBalanced
   * gives pools minimumIdle=0, so they do not reconnect on their own).
   */
  private void start(PgCluster cluster, int retrySeconds) {
    start(cluster, retrySeconds, Map.of());
  }

  private void start(PgCluster cluster, int retrySeconds, Map<String, Object> settings) {
    this.cluster = cluster;
    Map<String, Object> all = new HashMap<>();
    all.put("hibernate.balanced.primary.hikari.connectionTimeout", "1000");
    all.put("hibernate.balanced.replica_retry_seconds", String.valueOf(retrySeconds));
    all.put(
        BalancedServiceContributor.NANO_CLOCK,
        (LongSupplier) () -> System.nanoTime() + clockAhead.get());
    all.putAll(settings);
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
        cluster.start(standby);
      }
    }
  }

  private List<String> readsOfNewSessions(int count) {
    return db.readsOfNewSessions(count);
  }

  @Test
  void theSessionThatFindsItsStandbyDownReadsFromThePrimaryAndLaterOnesSkipIt(PgCluster cluster) {
    start(cluster, 60);
    PgNode down = cluster.standby(1);
    PgNode up = cluster.standby(2);
    cluster.stop(down);

    // Round robin gives standby1 to every other session; only the first of them finds it down.
    List<String> reads;
    try (CapturedLog log = CapturedLog.start()) {
      reads = readsOfNewSessions(6);
      assertEquals(
          1,
          log.count(
              "WARN", "dev.balanced.topology", "replica " + down.name() + " cannot be reached"),
          "the outage is logged once:\n" + log.text());
    }

    long onPrimary = reads.stream().filter(r -> r.startsWith("primary")).count();
    assertEquals(1, onPrimary, reads.toString());
    assertTrue(reads.contains("primary (replica unreachable)"), reads.toString());
    assertEquals(5, reads.stream().filter(r -> r.equals(up.name() + " (selector)")).count());
  }

  @Test
  void aSessionKeepsThePrimaryForTheRestOfItsReads(PgCluster cluster) {
    start(cluster, 60);
    cluster.stop(cluster.standby(1));
    cluster.stop(cluster.standby(2));
    try (EntityManager em = db.emf.createEntityManager()) {
      for (int transaction = 0; transaction < 3; transaction++) {
        em.getTransaction().begin();
        assertFalse(PgBalanced.readsFromStandby(em));
        em.getTransaction().commit();
      }
      assertEquals("primary", em.unwrap(BalancedSession.class).currentEngine());
    }
    // The next session finds standby2 down too; after it, sessions go straight to the primary.
    assertEquals(
        List.of(
            "primary (replica unreachable)",
            "primary (replica unreachable)",
            "primary (replica unreachable)"),
        readsOfNewSessions(3));
  }

  @Test
  void aStandbyThatIsBackServesReadsAgain(PgCluster cluster) throws InterruptedException {
    start(cluster, 1);
    PgNode bouncing = cluster.standby(1);
    cluster.stop(bouncing);
    assertTrue(readsOfNewSessions(2).contains("primary (replica unreachable)"));
    cluster.start(bouncing);

    letSecondsPass(1.1); // replica_retry_seconds=1: then one session may try it again

    assertServesReadsAgain(bouncing);
  }

  /**
   * HikariCP fails startup when a pool cannot connect; {@code initializationFailTimeout=-1} on a
   * replica's pool lets the application start without it.
   */
  @Test
  void aStandbyDownAtStartupFailsStartupUnlessItsPoolMayStartEmpty(PgCluster cluster) {
    this.cluster = cluster;
    PgNode down = cluster.standby(1);
    cluster.stop(down);
    RuntimeException failed =
        assertThrows(RuntimeException.class, () -> PgBalanced.start(cluster, Map.of()));
    assertTrue(
        causes(failed).contains("node [" + down.name() + "]"),
        "names the pool that failed: " + causes(failed));

    db =
        PgBalanced.start(
            cluster,
            Map.of(
                "hibernate.balanced.replicas." + down.name() + ".hikari.initializationFailTimeout",
                "-1",
                "hibernate.balanced.primary.hikari.connectionTimeout",
                "1000"));
    List<String> reads = readsOfNewSessions(3);
    assertEquals(
        List.of(
            "primary (replica unreachable)",
            cluster.standby(2).name() + " (selector)",
            cluster.standby(2).name() + " (selector)"),
        reads);
  }

  private static String causes(Throwable failure) {
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append(" <- ");
    }
    return messages.toString();
  }

  /**
   * HikariCP keeps refilling a pool below {@code minimumIdle}: once it has reconnected, the standby
   * serves reads again at once, long before its retry is due.
   */
  @Test
  void aStandbyWhosePoolReconnectsServesReadsBeforeItsRetryIsDue(PgCluster cluster)
      throws InterruptedException {
    PgNode bouncing = cluster.standby(1);
    start(
        cluster,
        600,
        Map.of("hibernate.balanced.replicas." + bouncing.name() + ".hikari.minimumIdle", "1"));
    cluster.stop(bouncing);
    // HikariCP hands out an idle connection used in the last 500 ms without checking it; past
    // that it finds the one it holds broken, as an application would after any pause.
    Thread.sleep(600);
    assertTrue(readsOfNewSessions(2).contains("primary (replica unreachable)"));
    cluster.start(bouncing);

    awaitIdle(pool(bouncing), 1);
    assertServesReadsAgain(bouncing);
  }

  /**
   * A standby whose pool reconnects on its own (minimumIdle above 0, HikariCP's default) is not
   * tried by a unit of work while it is down, however long that lasts: only the first to find it
   * down waits for its pool.
   */
  @Test
  void aStandbyWhosePoolReconnectsIsNotTriedAgainByAUnitOfWork(PgCluster cluster)
      throws InterruptedException {
    PgNode down = cluster.standby(1);
    PgNode up = cluster.standby(2);
    start(
        cluster,
        1,
        Map.of("hibernate.balanced.replicas." + down.name() + ".hikari.minimumIdle", "1"));
    cluster.stop(down);
    Thread.sleep(600); // past HikariCP's 500 ms in which it hands out an idle connection unchecked
    assertTrue(readsOfNewSessions(2).contains("primary (replica unreachable)"));

    letSecondsPass(1.1); // replica_retry_seconds=1 has passed; the standby is still down

    assertEquals(Collections.nCopies(6, up.name() + " (selector)"), readsOfNewSessions(6));
  }

  /**
   * A standby cut off by the network refuses nothing and resets nothing: its pooled connections
   * look alive until one fails its check (here after 1 s), and a pool that checks only some of them
   * before it times out leaves the others idle, as dead as the ones that failed. The unit of work
   * that finds the standby so reads from the primary, and those stale connections are not taken for
   * a reconnection: no later unit of work waits on the standby until it answers again.
   */
  @Test
  void aStandbyCutOffByTheNetworkIsNotTakenBackForItsStaleConnections(PgCluster cluster)
      throws Exception {
    PgNode cutOff = cluster.standby(1);
    PgNode up = cluster.standby(2);
    try (NetworkCut network = NetworkCut.to(cutOff.port())) {
      startBehind(
          cluster,
          network,
          cutOff,
          1,
          Map.of(
              "maximumPoolSize", "8",
              "minimumIdle", "8",
              "connectionTimeout", "1000",
              "validationTimeout", "500"));
      HikariPoolMXBean pool = pool(cutOff);
      awaitIdle(pool, 8);
      // Past HikariCP's 500 ms in which it hands out an idle connection unchecked.
      Thread.sleep(600);

      network.cut();
      assertEquals(
          List.of("primary (replica unreachable)", up.name() + " (selector)"),
          readsOfNewSessions(2));
      letSecondsPass(1.1); // replica_retry_seconds=1 has passed; the standby is still cut off
      assertEquals(Collections.nCopies(6, up.name() + " (selector)"), readsOfNewSessions(6));

      network.restore();
      awaitIdle(pool, 1);
      assertServesReadsAgain(cutOff);
    }
  }

  /**
   * A pool with no idle connection to check opens a new one, which a cut-off standby never answers:
   * the pool times out before the driver's login timeout, so it has no connection failure to give,
   * only that it could not open a connection it had room for. That is an outage, not a busy pool.
   */
  @Test
  void aStandbyCutOffByTheNetworkBeforeItsPoolConnectedGivesWayToThePrimary(PgCluster cluster)
      throws Exception {
    PgNode cutOff = cluster.standby(1);
    PgNode up = cluster.standby(2);
    try (NetworkCut network = NetworkCut.to(cutOff.port())) {
      // HikariCP sets the login timeout to 2 s here, after its own 1.5 s.
      startBehind(
          cluster, network, cutOff, 600, Map.of("minimumIdle", "0", "connectionTimeout", "1500"));
      network.cut();

      assertEquals(
          List.of(
              "primary (replica unreachable)",
              up.name() + " (selector)",
              up.name() + " (selector)"),
          readsOfNewSessions(3));
    }
  }

  /**
   * Balanced as {@link #start}, with {@code standby} reached through {@code network} and its pool
   * configured by {@code hikari}.
   */
  private void startBehind(
      PgCluster cluster,
      NetworkCut network,
      PgNode standby,
      int retrySeconds,
      Map<String, String> hikari) {
    String replica = "hibernate.balanced.replicas." + standby.name();
    Map<String, Object> settings = new HashMap<>();
    settings.put(
        replica + ".url",
        "jdbc:postgresql://127.0.0.1:" + network.port() + "/" + standby.database());
    hikari.forEach((property, value) -> settings.put(replica + ".hikari." + property, value));
    start(cluster, retrySeconds, settings);
  }

  private HikariPoolMXBean pool(PgNode standby) {
    return db.router().topology().node(standby.name()).pool().getHikariPoolMXBean();
  }

  /** Of 4 new units of work, some read from {@code standby} and none from the primary. */
  private void assertServesReadsAgain(PgNode standby) {
    List<String> reads = readsOfNewSessions(4);
    assertTrue(reads.contains(standby.name() + " (selector)"), reads.toString());
    assertFalse(reads.stream().anyMatch(r -> r.startsWith("primary")), reads.toString());
  }

  private static void awaitIdle(HikariPoolMXBean pool, int idle) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (pool.getIdleConnections() < idle && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(
        pool.getIdleConnections() >= idle,
        "the pool has " + idle + " idle connection(s) within 30 s: " + pool.getIdleConnections());
  }

  /**
   * A session that reads from the primary because no standby can be reached asks for a replica's
   * reads: they tolerate lag, so the primary serves them rather than a standby known to be down.
   */
  @Test
  void usingReplicaReadsFromThePrimaryWhenNoStandbyCanBeReached(PgCluster cluster) {
    start(cluster, 60);
    cluster.stop(cluster.standby(1));
    cluster.stop(cluster.standby(2));
    assertEquals(
        List.of("primary (replica unreachable)", "primary (replica unreachable)"),
        readsOfNewSessions(2));

    try (EntityManager em = db.emf.createEntityManager();
        BalancedSession.Scope ignored = em.unwrap(BalancedSession.class).usingReplica()) {
      assertFalse(PgBalanced.readsFromStandby(em));
    }
  }

  /**
   * Under weighted selection with every standby at weight 0 the primary serves all reads, and
   * {@code usingReplica} picks a standby for the scope. When the one it picked turns out to be
   * down, the scope's read goes to the primary instead of failing.
   */
  @Test
  void aReplicaPickedByUsingReplicaThatIsDownGivesWayToThePrimary(PgCluster cluster) {
    Map<String, Object> weights = new HashMap<>();
    weights.put("hibernate.balanced.replica_selector", "weighted");
    weights.put("hibernate.balanced.primary.serves_reads", "true");
    weights.put("hibernate.balanced.primary.weight", "1");
    for (PgNode standby : cluster.standbys()) {
      weights.put("hibernate.balanced.replicas." + standby.name() + ".weight", "0");
    }
    start(cluster, 60, weights);
    cluster.stop(cluster.standby(1));
    cluster.stop(cluster.standby(2));

    try (EntityManager em = db.emf.createEntityManager()) {
      BalancedSession session = em.unwrap(BalancedSession.class);
      assertEquals("primary", session.currentEngine());
      try (BalancedSession.Scope ignored = session.usingReplica()) {
        String picked = session.currentEngine();
        assertTrue(picked.startsWith("standby"), picked);
        assertFalse(PgBalanced.readsFromStandby(em));
        assertEquals("primary", session.currentEngine());
      }
    }
  }

  /**
   * In {@code lsn} mode a request that must see its write asks the replicas whether they have
   * replayed it. A replica known to be down is not asked: asking would wait out its pool's
   * connection timeout (5 s here) on every such request.
   */
  @Test
  void lsnModeDoesNotAskADownStandbyForItsPosition(PgCluster cluster) {
    start(
        cluster,
        60,
        Map.of(
            "hibernate.balanced.consistency", "lsn",
            "hibernate.balanced.token_secret", PgBalanced.SECRET,
            "hibernate.balanced.primary.hikari.connectionTimeout", "5000"));
    PgNode down = cluster.standby(1);
    PgNode behind = cluster.standby(2);
    cluster.stop(down);
    assertTrue(readsOfNewSessions(2).contains("primary (replica unreachable)"));
    cluster.pauseReplay(behind);
    try {
      String token;
      try (PinningContext request = PinningContext.open()) {
        db.inTransaction(em -> em.persist(new Account("lsn-outage", 1)));
        token = request.token();
      }

      long started = System.nanoTime();
      try (PinningContext request = PinningContext.open(token);
          EntityManager em = db.emf.createEntityManager()) {
        assertFalse(PgBalanced.readsFromStandby(em), "only the primary has the write");
        assertEquals(
            "read-your-writes", em.unwrap(BalancedSession.class).routeReason(), "why the primary");
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(took.compareTo(Duration.ofMillis(2500)) < 0, "took " + took);
    } finally {
      cluster.resumeReplay(behind);
    }
  }

  /** {@code usingEngine} names the node to read from: it is not silently replaced. */
  @Test
  void aScopeNamingADownStandbyFails(PgCluster cluster) {
    start(cluster, 60);
    PgNode down = cluster.standby(1);
    cluster.stop(down);
    try (EntityManager em = db.emf.createEntityManager();
        BalancedSession.Scope ignored = em.unwrap(BalancedSession.class).usingEngine(down.name())) {
      assertThrows(PersistenceException.class, () -> PgBalanced.servingPort(em));
    }
  }
}
