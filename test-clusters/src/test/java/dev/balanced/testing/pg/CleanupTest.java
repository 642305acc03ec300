package dev.balanced.testing.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.process.ChildJvm;
import dev.balanced.testing.process.FreePorts;
import dev.balanced.testing.process.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No server, port, process or file outlives a cluster: after close, a failed start, or kill -9. */
class CleanupTest {
  private static final Duration CLEANUP = Duration.ofSeconds(20);

  @Test
  void closeStopsEveryServerAndDeletesTheDirectory() throws Exception {
    PgCluster cluster = PgCluster.start(PgClusterOptions.defaults().standbys(1));
    Path directory = cluster.directory();
    String token = directory.getFileName().toString();
    List<Integer> ports = cluster.nodes().stream().map(PgNode::port).toList();
    assertEquals("1", Sql.query(cluster.standby(1), "SELECT 1"));
    // Postmasters, their children (by cluster_name) and the watchdog all mention the token.
    assertTrue(Processes.mentioning(token).size() >= 3, Processes.mentioning(token)::toString);

    cluster.close();
    cluster.close(); // idempotent

    assertFalse(Files.exists(directory), directory + " still exists");
    Processes.awaitNoneMentioning(token, Duration.ofSeconds(5));
    for (int port : ports) {
      assertFalse(FreePorts.inUse(port), "port " + port + " still bound");
    }
    assertThrows(IllegalStateException.class, () -> cluster.stop(cluster.primary()));
  }

  @Test
  void aFailedStartExplainsWhyAndLeavesNothing(@TempDir Path base) throws Exception {
    // A root JVM runs PostgreSQL as nobody, who must be able to enter the directory.
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    PgClusterException e =
        assertThrows(
            PgClusterException.class,
            () ->
                PgCluster.start(
                    PgClusterOptions.defaults()
                        .standbys(1)
                        .baseDir(base)
                        .setting("shared_buffers", "not-a-size")));
    assertTrue(e.getMessage().contains("could not start primary"), e.getMessage());
    assertTrue(e.getMessage().contains("--- last lines of"), e.getMessage());
    assertTrue(e.getMessage().contains("shared_buffers"), e.getMessage());
    try (Stream<Path> left = Files.list(base)) {
      assertEquals(List.of(), left.toList());
    }
    Processes.awaitNoneMentioning(base.toString(), Duration.ofSeconds(5));
  }

  @Test
  void killingTheJvmWithSigkillStillStopsTheServersAndDeletesTheDirectory() throws Exception {
    try (ChildJvm child = ChildJvm.startCluster("pg")) {
      child.process.destroyForcibly(); // SIGKILL: no shutdown hook runs, only the watchdog is left
      assertTrue(child.process.waitFor(10, TimeUnit.SECONDS));
      assertEquals(137, child.process.exitValue(), "not killed by SIGKILL");

      Processes.awaitNoneMentioning(child.token(), CLEANUP);
      Processes.awaitDeleted(child.directory, CLEANUP);
      child.assertPortsFree();
    }
  }

  @Test
  void terminatingTheJvmClosesTheClusterInTheShutdownHook() throws Exception {
    try (ChildJvm child = ChildJvm.startCluster("pg")) {
      child.process.destroy(); // SIGTERM, as a build tool or CI stopping a test run sends
      assertTrue(child.process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(143, child.process.exitValue(), "not ended by SIGTERM");

      // The hook ran before the JVM exited, so this is done already (the watchdog takes longer).
      assertFalse(Files.exists(child.directory), child.directory + " still exists");
      Processes.awaitNoneMentioning(child.token(), Duration.ofSeconds(5));
      child.assertPortsFree();
    }
  }
}
