package dev.balanced.it.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import dev.balanced.internal.topology.Node;
import dev.balanced.it.pg.Account;
import dev.balanced.it.replication.BalancedFactory;
import dev.balanced.it.replication.MariaDatabase;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.mariadb.MariaCluster;
import dev.balanced.testing.mariadb.MariaDbCluster;
import dev.balanced.testing.mariadb.MariaNode;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Read-your-writes by GTID ({@code consistency=position}) and the lag limit on a real MariaDB
 * primary and replica, through both drivers. The replica is made to lag by stopping its SQL thread,
 * so what it lacks is certain, not a matter of timing.
 */
@MariaDbCluster(replicas = 1)
class GtidPositionTest {
  private final MariaCluster cluster;
  private BalancedFactory db;

  GtidPositionTest(MariaCluster cluster) {
    this.cluster = cluster;
  }

  private MariaNode replica() {
    return cluster.replica(1);
  }

  private void start(MariaDatabase.Driver driver, Map<String, Object> more) {
    Map<String, Object> settings = new HashMap<>(more);
    settings.put("hibernate.balanced.token_secret", BalancedFactory.SECRET);
    db = BalancedFactory.start(new MariaDatabase(cluster, driver), settings);
  }

  @AfterEach
  void stop() {
    try {
      if (db != null) {
        db.close();
      }
    } finally {
      cluster.resumeReplay(replica());
      cluster.waitForReplay(Duration.ofSeconds(30));
    }
  }

  /** A request that writes a new account and hands out its token. */
  private String write(String owner) {
    try (PinningContext request = PinningContext.open()) {
      db.inTransaction(em -> em.persist(new Account(owner, 1)));
      return request.token();
    }
  }

  record Read(boolean found, boolean fromReplica, String reason) {}

  /** A later request, opened with {@code token}, looking for the account. */
  private Read read(String token, String owner) {
    try (PinningContext request = PinningContext.open(token);
        EntityManager em = db.emf.createEntityManager()) {
      boolean fromReplica = db.readsFromReplica(em);
      long found =
          em.createQuery("select count(a) from Account a where a.owner = :owner", Long.class)
              .setParameter("owner", owner)
              .getSingleResult();
      return new Read(
          found == 1, fromReplica, em.unwrap(BalancedSession.class).routeReason().toString());
    }
  }

  private static String owner() {
    return "user-" + UUID.randomUUID();
  }

  @ParameterizedTest
  @EnumSource(MariaDatabase.Driver.class)
  void theTokenSeesTheWriteAndTheReplicaServesItOnceApplied(MariaDatabase.Driver driver) {
    // Every reader asks the replica afresh: within lsn_refresh_ms of the reader that found it
    // behind, a reader would take that answer and read from the primary.
    start(
        driver,
        Map.of(
            "hibernate.balanced.consistency", "position",
            "hibernate.balanced.lsn_refresh_ms", "0"));
    cluster.pauseReplay(replica());
    String owner = owner();
    String token = write(owner);
    assertNotNull(token);
    String payload =
        new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
    assertTrue(payload.matches(".*\"g\":\"0-1-\\d+\".*"), "a GTID position: " + payload);

    Read withoutToken = read(null, owner);
    assertTrue(withoutToken.fromReplica());
    assertFalse(withoutToken.found(), "the paused replica lacks the row");

    Read withToken = read(token, owner);
    assertTrue(withToken.found());
    assertFalse(withToken.fromReplica(), "the replica has not applied the write's GTID");

    cluster.resumeReplay(replica());
    cluster.waitForReplay(replica(), Duration.ofSeconds(30));
    Read applied = read(token, owner);
    assertTrue(applied.found());
    assertTrue(applied.fromReplica(), "the replica has applied it: " + applied);
  }

  /** {@code lsn} is PostgreSQL's name for the same mode; it works on MariaDB too. */
  @ParameterizedTest
  @EnumSource(MariaDatabase.Driver.class)
  void waitingForTheReplicaThenFallingBackToThePrimary(MariaDatabase.Driver driver) {
    start(
        driver,
        Map.of(
            "hibernate.balanced.consistency", "lsn",
            "hibernate.balanced.lsn_wait_ms", "400"));
    cluster.pauseReplay(replica());
    String owner = owner();
    String token = write(owner);
    long started = System.nanoTime();
    Read fellBack = read(token, owner);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(fellBack.found());
    assertFalse(fellBack.fromReplica());
    assertTrue(tookMs >= 400, "waited " + tookMs + " ms before falling back");

    // Applying resumes while the next reader waits: it reads from the replica.
    String next = owner();
    String nextToken = write(next);
    Thread resume =
        new Thread(
            () -> {
              sleep(100);
              cluster.resumeReplay(replica());
            });
    resume.start();
    Read waited = read(nextToken, next);
    join(resume);
    assertTrue(waited.found());
    assertTrue(waited.fromReplica(), "the replica caught up within lsn_wait_ms: " + waited);
  }

  @ParameterizedTest
  @EnumSource(MariaDatabase.Driver.class)
  void aReplicaFurtherBehindThanTheLimitIsLeftOutUntilItHasCaughtUp(MariaDatabase.Driver driver)
      throws InterruptedException {
    start(
        driver,
        Map.of(
            "hibernate.balanced.max_replica_lag_ms", "300",
            "hibernate.balanced.replica_lag_check_ms", "50"));
    Node node = db.router().topology().node(replica().name());
    awaitBehind(node, false);
    try (CapturedLog log = CapturedLog.start()) {
      cluster.pauseReplay(replica());
      db.inTransaction(em -> em.persist(new Account(owner(), 1)));
      awaitBehind(node, true);
      assertEquals(
          "primary (replica behind)", db.readsOfNewSessions(1).get(0), "no replica left to read");
      cluster.resumeReplay(replica());
      awaitBehind(node, false);
      assertEquals(1, log.count("WARN", "dev.balanced.topology", replica().name()), log.text());
    }
    assertTrue(db.readsOfNewSessions(1).get(0).startsWith(replica().name()));
  }

  private static void awaitBehind(Node node, boolean behind) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (node.isBehind() != behind && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(behind, node.isBehind(), node.name() + " behind");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
