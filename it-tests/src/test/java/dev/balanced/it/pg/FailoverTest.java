package dev.balanced.it.pg;

import static dev.balanced.it.pg.UnitsOfWork.cause;
import static dev.balanced.it.pg.UnitsOfWork.owners;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import dev.balanced.PrimaryUnavailableException;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import dev.balanced.testing.pg.PostgresCluster;
import jakarta.persistence.EntityManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A failover as a cloud service or Patroni does it, with Balanced configured statically: the
 * primary's address names whichever server is the primary (here a PgJDBC multi-host URL with {@code
 * targetServerType=primary}, standing in for a DNS name that moves). The primary crashes, the most
 * advanced standby is promoted (a new timeline), the other follows it. Balanced writes to the
 * promoted one without a restart; tokens written on the old timeline send their readers to the new
 * primary; and the old primary, started again as a primary (split brain), is fenced: it gets no
 * statement of the application.
 */
@PostgresCluster(standbys = 2)
class FailoverTest {
  @Test
  void writesMoveToThePromotedStandbyAndTheFormerPrimaryIsFenced(PgCluster cluster)
      throws Exception {
    PgNode oldPrimary = cluster.primary();
    StringBuilder hosts = new StringBuilder();
    for (PgNode node : cluster.nodes()) {
      hosts.append(hosts.length() == 0 ? "" : ",").append("127.0.0.1:").append(node.port());
    }
    String movingPrimary =
        "jdbc:postgresql://" + hosts + "/" + cluster.database() + "?targetServerType=primary";
    try (CapturedLog log = CapturedLog.start();
        PgBalanced db =
            PgBalanced.start(
                cluster,
                Map.of(
                    "hibernate.balanced.primary.url", movingPrimary,
                    "hibernate.balanced.primary.hikari.connectionTimeout", "1000",
                    "hibernate.balanced.replica_retry_seconds", "1",
                    "hibernate.balanced.consistency", "lsn",
                    "hibernate.balanced.pin_seconds", "60",
                    "hibernate.balanced.token_secret", PgBalanced.SECRET))) {
      // Before: a request writes, and takes its token along.
      Account before = new Account("before", 1);
      String token;
      try (PinningContext request = PinningContext.open()) {
        db.inTransaction(em -> em.persist(before));
        token = request.token();
      }
      for (PgNode standby : cluster.standbys()) {
        cluster.waitForReplay(standby, Duration.ofSeconds(10));
      }

      PgNode promoted = cluster.failover();
      assertEquals(2, cluster.timeline(promoted));

      // Writes reach the promoted standby once the primary's pool has reconnected (its retry is
      // every replica_retry_seconds=1 here); until then they fail fast.
      List<Throwable> failures = new ArrayList<>();
      Account after = new Account("after", 2);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (true) {
        try {
          db.inTransaction(em -> em.persist(after));
          break;
        } catch (RuntimeException e) {
          failures.add(e);
          assertTrue(System.nanoTime() < deadline, "no write succeeded within 15 s: " + e);
          Thread.sleep(100);
        }
      }
      for (Throwable failure : failures) {
        assertNotNull(cause(failure, SQLException.class), String.valueOf(failure));
      }
      assertTrue(owners(promoted).contains("after"), "written to the promoted standby");
      assertTrue(owners(promoted).contains("before"), "which had the earlier write");

      // The token was written on timeline 1: no position on timeline 2 can say whether it is
      // there, so its reader reads from the (new) primary, within pin_seconds of the write.
      try (PinningContext request = PinningContext.open(token);
          EntityManager em = db.emf.createEntityManager()) {
        assertNotNull(em.find(Account.class, before.getId()));
        assertEquals(promoted.port(), PgBalanced.servingPort(em));
        assertEquals("read-your-writes", em.unwrap(BalancedSession.class).routeReason());
      }

      // Split brain: the former primary starts again as a primary, on timeline 1.
      cluster.start(oldPrimary);
      assertEquals(1, cluster.timeline(oldPrimary));
      // New connections: the multi-host URL names the former primary first.
      db.router().topology().primary().pool().getHikariPoolMXBean().softEvictConnections();
      for (int i = 0; i < 5; i++) {
        String owner = "split-" + i;
        try {
          db.inTransaction(em -> em.persist(new Account(owner, 3)));
        } catch (RuntimeException refused) {
          assertNotNull(cause(refused, PrimaryUnavailableException.class), String.valueOf(refused));
          assertTrue(
              cause(refused, PrimaryUnavailableException.class).getMessage().contains("fenced"),
              refused.toString());
        }
      }
      assertFalse(
          owners(oldPrimary).stream().anyMatch(o -> o.startsWith("split-")),
          "the former primary got no write");
      log.assertLine(
          "ERROR",
          "claims to be the primary on timeline 1, but timeline 2 was seen",
          "fenced, it receives no statement");
    }
  }
}
