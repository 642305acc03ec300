package dev.balanced.testing.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.process.FreePorts;
import dev.balanced.testing.process.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failover: promotion, standbys following the new primary, the old primary rejoining, split brain.
 * Each test starts a cluster of its own, since each changes who the primary is.
 */
class FailoverTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void failoverPromotesAStandbyThatHasEveryReplayedRowAndTheOtherFollows() throws Exception {
    try (PgCluster cluster = PgCluster.start(PgClusterOptions.defaults().standbys(2))) {
      PgNode old = cluster.primary();
      Sql.execute(old, "CREATE TABLE item (id bigint PRIMARY KEY)");
      Sql.execute(old, "INSERT INTO item VALUES (1)");
      cluster.waitForReplay(TIMEOUT);
      assertEquals(1, cluster.timeline(old));

      PgNode promoted = cluster.failover();

      assertSame(promoted, cluster.primary());
      assertTrue(promoted.isPrimary());
      assertEquals(PgNode.Role.FORMER_PRIMARY, old.role());
      assertFalse(old.isPrimary());
      assertFalse(old.isRunning());
      assertEquals("primary", old.name());
      assertEquals(2, cluster.timeline(promoted));
      assertEquals("f", Sql.query(promoted, "SELECT pg_is_in_recovery()"));
      assertTrue(Sql.hasRow(promoted, "item", 1));
      Sql.execute(promoted, "INSERT INTO item VALUES (2)");

      PgNode other = cluster.standbys().get(0);
      assertEquals(1, cluster.standbys().size());
      assertTrue(other.isStandby());
      assertEquals(2, cluster.timeline(other));
      cluster.waitForReplay(other, TIMEOUT);
      assertTrue(Sql.hasRow(other, "item", 2));
      assertEquals(
          Integer.toString(promoted.port()),
          Sql.query(other, "SELECT sender_port FROM pg_stat_wal_receiver"));

      assertEquals(List.of(promoted, other, old), cluster.nodes());
      assertSame(promoted, cluster.node(promoted.name()));
      assertSame(old, cluster.node("primary"));
    }
  }

  @Test
  void theCrashedPrimaryRejoinsAsAReadOnlyStandbyOfTheNewPrimary() throws Exception {
    try (PgCluster cluster = PgCluster.start(PgClusterOptions.defaults().standbys(1))) {
      PgNode old = cluster.primary();
      int port = old.port();
      Sql.execute(old, "CREATE TABLE item (id bigint PRIMARY KEY)");
      cluster.waitForReplay(TIMEOUT);
      PgNode promoted = cluster.failover();
      assertSame(cluster.standby(1), promoted);
      Sql.execute(promoted, "INSERT INTO item VALUES (1)");

      cluster.rejoinAsStandby(old);

      assertTrue(old.isStandby());
      assertTrue(old.isRunning());
      assertEquals(port, old.port());
      assertEquals(List.of(old), cluster.standbys());
      assertEquals("t", Sql.query(old, "SELECT pg_is_in_recovery()"));
      assertEquals(2, cluster.timeline(old));
      assertTrue(Sql.hasRow(old, "item", 1));
      Sql.execute(promoted, "INSERT INTO item VALUES (2)");
      cluster.waitForReplay(old, TIMEOUT);
      assertTrue(Sql.hasRow(old, "item", 2));
      SQLException write =
          assertThrows(SQLException.class, () -> Sql.execute(old, "INSERT INTO item VALUES (3)"));
      assertTrue(write.getMessage().contains("read-only transaction"), write.getMessage());
      // Its own log and name survived the copy.
      assertTrue(Files.readString(old.logFile()).contains("database system is ready"));
      assertTrue(
          Sql.query(old, "SHOW cluster_name").endsWith("/primary"),
          Sql.query(old, "SHOW cluster_name"));
    }
  }

  @Test
  void promotingWhileThePrimaryRunsMakesASplitBrainThatRejoiningEnds() throws Exception {
    PgCluster cluster = PgCluster.start(PgClusterOptions.defaults().standbys(1));
    String token = cluster.directory().getFileName().toString();
    try {
      PgNode old = cluster.primary();
      PgNode standby = cluster.standby(1);
      Sql.execute(old, "CREATE TABLE item (id bigint PRIMARY KEY)");
      cluster.waitForReplay(TIMEOUT);

      cluster.promote(standby);

      assertSame(standby, cluster.primary());
      assertTrue(old.isRunning());
      assertEquals(PgNode.Role.FORMER_PRIMARY, old.role());
      assertEquals(List.of(), cluster.standbys());
      Sql.execute(old, "INSERT INTO item VALUES (1)");
      Sql.execute(standby, "INSERT INTO item VALUES (2)");
      assertEquals(1, cluster.timeline(old));
      assertEquals(2, cluster.timeline(standby));
      assertFalse(Sql.hasRow(standby, "item", 1));
      assertFalse(Sql.hasRow(old, "item", 2));

      // Back to one history: the row only the old primary took is gone.
      cluster.rejoinAsStandby(old);
      assertTrue(Sql.hasRow(old, "item", 2));
      assertFalse(Sql.hasRow(old, "item", 1));
    } finally {
      cluster.close();
    }
    Processes.awaitNoneMentioning(token, Duration.ofSeconds(5));
  }

  @Test
  void closeAfterAFailoverStopsEveryNodeWhateverItsRole() throws Exception {
    PgCluster cluster = PgCluster.start(PgClusterOptions.defaults().standbys(1));
    Path directory = cluster.directory();
    String token = directory.getFileName().toString();
    PgNode old = cluster.primary();
    cluster.failover();
    // A former primary that did not rejoin starts as a primary on its old timeline.
    cluster.start(old);
    assertTrue(old.isRunning());
    assertEquals("f", Sql.query(old, "SELECT pg_is_in_recovery()"));
    assertEquals(1, cluster.timeline(old));
    List<Integer> ports = cluster.nodes().stream().map(PgNode::port).toList();
    assertEquals(2, ports.size());

    cluster.close();

    assertFalse(Files.exists(directory), directory + " still exists");
    Processes.awaitNoneMentioning(token, Duration.ofSeconds(5));
    for (int port : ports) {
      assertFalse(FreePorts.inUse(port), "port " + port + " still bound");
    }
  }
}
