package dev.balanced.it.pg;

import static dev.balanced.it.pg.UnitsOfWork.cause;
import static dev.balanced.it.pg.UnitsOfWork.failuresAfter;
import static dev.balanced.it.pg.UnitsOfWork.owners;
import static dev.balanced.it.pg.UnitsOfWork.pause;
import static dev.balanced.it.pg.UnitsOfWork.timed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import dev.balanced.PrimaryUnavailableException;
import dev.balanced.it.pg.UnitsOfWork.Load;
import dev.balanced.it.pg.UnitsOfWork.Outcome;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import dev.balanced.testing.pg.PostgresCluster;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The primary dies while the application runs (an immediate shutdown: its backends vanish without a
 * word) and comes back. Once Balanced has found it down, read-only units of work keep running on
 * the standbys, pinned ones too, and writes fail at once with {@link PrimaryUnavailableException}
 * instead of waiting out the pool's connectionTimeout; once it is back, writes succeed again.
 */
@PostgresCluster(standbys = 2)
class PrimaryOutageTest {
  private static final Duration FAST = Duration.ofMillis(100);

  private PgCluster cluster;
  private PgBalanced db;

  private void start(PgCluster cluster, Map<String, Object> extra) {
    this.cluster = cluster;
    Map<String, Object> settings = new HashMap<>();
    settings.put("hibernate.balanced.primary.hikari.connectionTimeout", "1000");
    settings.put("hibernate.balanced.replica_retry_seconds", "1");
    settings.put("hibernate.balanced.consistency", "lsn");
    settings.put("hibernate.balanced.token_secret", PgBalanced.SECRET);
    settings.putAll(extra);
    db = PgBalanced.start(cluster, settings);
  }

  @AfterEach
  void restore() {
    try {
      if (db != null) {
        db.close();
      }
    } finally {
      for (PgNode standby : cluster.standbys()) {
        cluster.resumeReplay(standby);
      }
      cluster.start(cluster.primary());
    }
  }

  @Test
  void underLoadReadsGoOnAndWritesFailFastUntilThePrimaryIsBack(PgCluster cluster)
      throws Exception {
    start(cluster, Map.of());
    List<Long> seeded = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Account account = new Account("seed-" + i, i);
      db.inTransaction(em -> em.persist(account));
      seeded.add(account.getId());
    }
    for (PgNode standby : cluster.standbys()) {
      cluster.waitForReplay(standby, Duration.ofSeconds(10));
    }

    ConcurrentLinkedQueue<Outcome> pinnedReads = new ConcurrentLinkedQueue<>();
    Set<String> pinnedReasons = java.util.concurrent.ConcurrentHashMap.newKeySet();
    long crashedAt;
    long detectedAt;
    long backAt;
    ConcurrentLinkedQueue<Outcome> reads;
    ConcurrentLinkedQueue<Outcome> writes;
    try (CapturedLog log = CapturedLog.start()) {
      try (Load load = new Load(db).readers(3, seeded).writers(2)) {
        reads = load.reads;
        writes = load.writes;
        // A request that wrote before the outage: its context is pinned, its reads meant for the
        // primary.
        load.thread(
            () -> {
              try (PinningContext request = PinningContext.open()) {
                Account mine = new Account("pinned", 1);
                db.inTransaction(em -> em.persist(mine));
                while (load.running()) {
                  pinnedReads.add(
                      timed(
                          null,
                          () -> {
                            try (EntityManager em = db.emf.createEntityManager()) {
                              assertNotNull(em.find(Account.class, mine.getId()));
                              pinnedReasons.add(em.unwrap(BalancedSession.class).routeReason());
                            }
                          }));
                }
              }
            });

        pause(500);
        crashedAt = System.nanoTime();
        cluster.crash(cluster.primary());
        detectedAt = awaitPrimaryDown();
        pause(1500);
        backAt = System.nanoTime(); // from here on the primary may accept connections again
        cluster.start(cluster.primary());
        load.awaitWriteStartedAfter(backAt, Duration.ofSeconds(15));
      }
      log.assertLine("ERROR", "dev.balanced.topology", "primary primary cannot be reached");
    }

    // Reads: none failed once the outage was known, pinned ones neither, and these went to a
    // standby for it.
    assertEquals(List.of(), failuresAfter(reads, detectedAt), "read-only units of work");
    assertEquals(List.of(), failuresAfter(pinnedReads, detectedAt), "pinned reads");
    assertTrue(pinnedReasons.contains("primary unavailable"), pinnedReasons.toString());
    assertTrue(
        reads.stream().filter(r -> r.endedNanos() > detectedAt && r.endedNanos() < backAt).count()
            > 10,
        "reads kept running during the outage");

    // Writes: every one that started after detection and before the primary was back failed at
    // once, with the dedicated exception as the cause.
    List<Outcome> duringOutage =
        writes.stream()
            .filter(w -> w.startedNanos() >= detectedAt && w.endedNanos() < backAt)
            .toList();
    assertTrue(duringOutage.size() > 10, "writers kept trying: " + duringOutage.size());
    for (Outcome write : duringOutage) {
      assertNotNull(write.failure(), write.owner() + " succeeded while the primary was down");
      assertNotNull(
          cause(write.failure(), PrimaryUnavailableException.class),
          write.owner() + ": " + write.failure());
      assertTrue(
          write.tookNanos() < FAST.toNanos(),
          write.owner() + " took " + Duration.ofNanos(write.tookNanos()));
    }
    assertTrue(
        Duration.ofNanos(detectedAt - crashedAt).toMillis() < 5000,
        "found down within the pool's connectionTimeout (1 s) and a check");

    // What a commit reported is what happened on the primary.
    Set<String> onPrimary = owners(cluster.primary());
    for (Outcome write : writes) {
      if (write.failure() == null) {
        assertTrue(onPrimary.contains(write.owner()), write.owner() + " was reported committed");
      } else if (cause(write.failure(), PrimaryUnavailableException.class) != null) {
        assertFalse(onPrimary.contains(write.owner()), write.owner() + " was reported failed");
      }
      // Any other failure hit a write in flight at the crash: its outcome is unknown to the
      // client, as without Balanced.
    }
  }

  @Test
  void aPinnedReaderReadsFromTheStandbyThatHasItsWrite(PgCluster cluster) {
    start(cluster, Map.of());
    PgNode behind = cluster.standby(2);
    cluster.pauseReplay(behind);
    try (CapturedLog log = CapturedLog.start();
        PinningContext request = PinningContext.open()) {
      Account mine = new Account("mine", 1);
      db.inTransaction(em -> em.persist(mine));
      cluster.waitForReplay(cluster.standby(1), Duration.ofSeconds(10));
      cluster.crash(cluster.primary());
      awaitPrimaryDown();

      for (int i = 0; i < 4; i++) {
        try (EntityManager em = db.emf.createEntityManager()) {
          assertNotNull(em.find(Account.class, mine.getId()), "its own write");
          assertEquals(cluster.standby(1).port(), PgBalanced.servingPort(em));
          assertEquals("primary unavailable", em.unwrap(BalancedSession.class).routeReason());
        }
      }
      log.assertLine("ERROR", "primary primary cannot be reached");
    }
  }

  @Test
  void withPrimaryDownReadsFailAPinnedReaderFailsFastToo(PgCluster cluster) {
    start(cluster, Map.of("hibernate.balanced.primary_down_reads", "fail"));
    try (CapturedLog log = CapturedLog.start();
        PinningContext request = PinningContext.open()) {
      Account mine = new Account("mine", 1);
      db.inTransaction(em -> em.persist(mine));
      cluster.crash(cluster.primary());
      awaitPrimaryDown();

      long started = System.nanoTime();
      try (EntityManager em = db.emf.createEntityManager()) {
        RuntimeException failure =
            assertThrows(RuntimeException.class, () -> em.find(Account.class, mine.getId()));
        assertNotNull(cause(failure, PrimaryUnavailableException.class), failure.toString());
      }
      assertTrue(System.nanoTime() - started < FAST.toNanos());
      log.assertLine("ERROR", "reads that need the primary fail too (primary_down_reads=fail)");
    }
    // An unpinned unit of work still reads, from a standby.
    try (EntityManager em = db.emf.createEntityManager()) {
      assertTrue(PgBalanced.readsFromStandby(em));
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /**
   * Waits until Balanced has found the primary down, as the running units of work do by trying it
   * (the first may get a pooled connection that died with the server, which fails its statement and
   * is evicted; the next finds the server gone); returns when. The caller captures the log.
   */
  private long awaitPrimaryDown() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!db.router().topology().primary().health().isDown()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the primary was not found down within 10 s");
      }
      try {
        db.inTransaction(em -> em.persist(new Account("probe", 0)));
      } catch (RuntimeException expected) {
        // the probe is meant to fail
      }
    }
    return System.nanoTime();
  }
}
