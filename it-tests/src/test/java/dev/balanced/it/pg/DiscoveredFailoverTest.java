package dev.balanced.it.pg;

import static dev.balanced.it.pg.UnitsOfWork.cause;
import static dev.balanced.it.pg.UnitsOfWork.failuresAfter;
import static dev.balanced.it.pg.UnitsOfWork.owners;
import static dev.balanced.it.pg.UnitsOfWork.pause;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * {@code topology=discover}: Balanced is given the servers, not their roles. Under load, the
 * primary crashes and a standby is promoted, as an operator or Patroni would: reads go on, writes
 * fail fast during the outage and reach the promoted standby within {@code topology_check_ms} of
 * the promotion, without a restart; tokens written before never read stale data; the former primary
 * started as a primary (split brain) gets no statement, and once it rejoins as a standby it serves
 * reads again.
 */
@PostgresCluster(standbys = 2)
class DiscoveredFailoverTest {
  private static final int CHECK_MS = 200;

  @Test
  void writesFollowThePromotionAndTheFormerPrimaryComesBackAsAStandby(PgCluster cluster)
      throws Exception {
    PgNode origin = cluster.primary();
    try (CapturedLog log = CapturedLog.start();
        PgBalanced db =
            PgBalanced.discovering(
                cluster,
                Map.of(
                    "hibernate.balanced.topology_check_ms", String.valueOf(CHECK_MS),
                    "hibernate.balanced.nodes.hikari.connectionTimeout", "1000",
                    "hibernate.balanced.replica_retry_seconds", "1",
                    "hibernate.balanced.consistency", "lsn",
                    "hibernate.balanced.pin_seconds", "60",
                    "hibernate.balanced.token_secret", PgBalanced.SECRET))) {
      // Roles found: reads on the standbys only, writes on the primary.
      assertEquals(Set.of(cluster.standby(1).port(), cluster.standby(2).port()), readPorts(db, 8));
      assertEquals(origin.jdbcUrl(), primaryUrlShown(db), "the primary's URL in nodes()");
      List<Long> seeded = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Account account = new Account("seed-" + i, i);
        db.inTransaction(em -> em.persist(account));
        seeded.add(account.getId());
      }
      // Tokens of writes made before the failover.
      List<String> tokens = new ArrayList<>();
      List<Long> tokenRows = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        try (PinningContext request = PinningContext.open()) {
          Account mine = new Account("token-" + i, i);
          db.inTransaction(em -> em.persist(mine));
          tokens.add(request.token());
          tokenRows.add(mine.getId());
        }
      }
      for (PgNode standby : cluster.standbys()) {
        cluster.waitForReplay(standby, Duration.ofSeconds(10));
      }

      PgNode promoted;
      long detectedAt;
      long promoteStartedAt;
      long promotedAt;
      long firstWriteAfter;
      ConcurrentLinkedQueue<Outcome> reads;
      ConcurrentLinkedQueue<Outcome> writes;
      try (Load load = new Load(db).readers(2, seeded).writers(2)) {
        reads = load.reads;
        writes = load.writes;
        pause(300);
        cluster.crash(origin);
        detectedAt = awaitPrimaryDown(db);
        pause(300); // the outage, as seen by the application
        // The standby with the most WAL: the other may have got WAL it lacks, and could not follow.
        promoted = cluster.mostAdvancedStandby();
        PgNode other = promoted == cluster.standby(1) ? cluster.standby(2) : cluster.standby(1);
        promoteStartedAt = System.nanoTime();
        cluster.promote(promoted);
        promotedAt = System.nanoTime();
        cluster.follow(other);
        firstWriteAfter = load.awaitWriteStartedAfter(promotedAt, Duration.ofSeconds(10));
        pause(300);
      }

      assertEquals(List.of(), failuresAfter(reads, detectedAt), "reads after detection");
      List<Outcome> duringOutage =
          writes.stream()
              .filter(w -> w.startedNanos() >= detectedAt && w.endedNanos() < promoteStartedAt)
              .toList();
      assertFalse(duringOutage.isEmpty(), "writers tried during the outage");
      for (Outcome write : duringOutage) {
        assertNotNull(
            cause(write.failure(), PrimaryUnavailableException.class),
            write.owner() + ": " + write.failure());
        assertTrue(
            write.tookNanos() < Duration.ofMillis(100).toNanos(),
            write.owner() + " took " + Duration.ofNanos(write.tookNanos()));
      }
      Duration moved = Duration.ofNanos(firstWriteAfter - promotedAt);
      assertTrue(
          moved.toMillis() < 2 * CHECK_MS + 1000,
          "writes reached the promoted standby " + moved + " after the promotion");

      assertEquals(promoted.jdbcUrl(), primaryUrlShown(db), "the primary's URL in nodes()");

      Set<String> onPromoted = owners(promoted);
      int lost = 0;
      for (Outcome write : writes) {
        if (write.failure() == null && !onPromoted.contains(write.owner())) {
          // Acknowledged by the crashed primary, never streamed to the promoted standby: what
          // asynchronous replication loses (README "When the primary fails").
          assertTrue(write.startedNanos() < detectedAt, write.owner() + " lost after detection");
          lost++;
        }
        if (cause(write.failure(), PrimaryUnavailableException.class) != null) {
          assertFalse(onPromoted.contains(write.owner()), write.owner() + " reported failed");
        }
      }
      assertTrue(lost <= 2, lost + " acknowledged writes lost: at most one in flight per writer");

      // Tokens written on the old timeline: their readers see their writes.
      for (int i = 0; i < tokens.size(); i++) {
        try (PinningContext request = PinningContext.open(tokens.get(i));
            EntityManager em = db.emf.createEntityManager()) {
          assertNotNull(em.find(Account.class, tokenRows.get(i)), "token " + i);
          assertEquals(promoted.port(), PgBalanced.servingPort(em));
          assertEquals("read-your-writes", em.unwrap(BalancedSession.class).routeReason());
        }
      }

      // Reads: the remaining standby, not the promoted one (it is the primary now).
      PgNode remaining = cluster.standbys().get(0);
      assertEquals(Set.of(remaining.port()), readPorts(db, 6));

      // Split brain: the former primary starts as a primary on timeline 1 and is fenced.
      cluster.start(origin);
      awaitLogged(log, "node origin claims to be the primary on timeline 1");
      for (int i = 0; i < 4; i++) {
        String owner = "split-" + i;
        db.inTransaction(em -> em.persist(new Account(owner, 2)));
      }
      assertTrue(owners(promoted).contains("split-3"), "writes go to the promoted standby");
      assertFalse(owners(origin).stream().anyMatch(o -> o.startsWith("split-")));
      assertFalse(readPorts(db, 8).contains(origin.port()), "the fenced node serves no reads");

      // It rejoins as a standby: reads spread over it again.
      cluster.rejoinAsStandby(origin);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      Set<Integer> ports = new HashSet<>();
      while (!ports.contains(origin.port()) && System.nanoTime() < deadline) {
        ports.addAll(readPorts(db, 4));
        pause(CHECK_MS);
      }
      assertTrue(ports.contains(origin.port()), "the rejoined node serves reads: " + ports);
      log.assertLine("WARN", "topology: the primary is now node " + promoted.name());
    }
  }

  /** The ports that {@code count} new units of work read from. */
  private static Set<Integer> readPorts(PgBalanced db, int count) {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < count; i++) {
      try (EntityManager em = db.emf.createEntityManager()) {
        ports.add(PgBalanced.servingPort(em));
      }
    }
    return ports;
  }

  private static long awaitPrimaryDown(PgBalanced db) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!db.router().topology().primary().health().isDown()) {
      assertTrue(System.nanoTime() < deadline, "the primary was not found down within 10 s");
      pause(5);
    }
    return System.nanoTime();
  }

  private static void awaitLogged(CapturedLog log, String text) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!log.text().contains(text)) {
      assertTrue(System.nanoTime() < deadline, "not logged within 5 s: " + text);
      pause(20);
    }
  }

  /** The URL that nodes() shows for the primary, as a startup log line or actuator would. */
  private static String primaryUrlShown(PgBalanced db) {
    return db.router().nodes().stream()
        .filter(n -> n.name().equals("primary"))
        .findFirst()
        .orElseThrow()
        .url();
  }
}
