package dev.balanced.testing.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.process.ChildJvm;
import dev.balanced.testing.process.ClusterException;
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

/**
 * No MariaDB server, port or file outlives its cluster: after close, a failed start, or kill -9.
 */
class CleanupTest {
  private static final Duration CLEANUP = Duration.ofSeconds(20);

  @Test
  void closeStopsEveryServerAndDeletesTheDirectory() throws Exception {
    MariaCluster cluster = MariaCluster.start(MariaClusterOptions.defaults().replicas(1));
    Path directory = cluster.directory();
    List<Integer> ports = cluster.nodes().stream().map(MariaNode::port).toList();
    // Both servers and the watchdog name the directory on their command lines.
    assertTrue(
        Processes.mentioning(directory.toString()).size() >= 3,
        Processes.mentioning(directory.toString())::toString);

    cluster.close();
    cluster.close(); // idempotent

    assertFalse(Files.exists(directory), directory + " still exists");
    Processes.awaitNoneMentioning(directory.toString(), Duration.ofSeconds(5));
    for (int port : ports) {
      assertFalse(FreePorts.inUse(port), "port " + port + " still bound");
    }
    assertThrows(IllegalStateException.class, () -> cluster.stop(cluster.primary()));
  }

  @Test
  void aFailedStartExplainsWhyAndLeavesNothing(@TempDir Path base) throws Exception {
    // A root JVM runs MariaDB as nobody, who must be able to enter the directory.
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    ClusterException e =
        assertThrows(
            ClusterException.class,
            () ->
                MariaCluster.start(
                    MariaClusterOptions.defaults()
                        .replicas(1)
                        .baseDir(base)
                        .setting("no-such-option", "1")));
    assertTrue(e.getMessage().contains("could not start primary"), e.getMessage());
    assertTrue(e.getMessage().contains("--- last lines of"), e.getMessage());
    assertTrue(e.getMessage().contains("no-such-option"), e.getMessage());
    try (Stream<Path> left = Files.list(base)) {
      assertEquals(List.of(), left.toList());
    }
    Processes.awaitNoneMentioning(base.toString(), Duration.ofSeconds(5));
  }

  @Test
  void killingTheJvmWithSigkillStillStopsTheServersAndDeletesTheDirectory() throws Exception {
    try (ChildJvm child = ChildJvm.startCluster("mariadb")) {
      child.process.destroyForcibly(); // SIGKILL: no shutdown hook runs, only the watchdog is left
      assertTrue(child.process.waitFor(10, TimeUnit.SECONDS));
      assertEquals(137, child.process.exitValue(), "not killed by SIGKILL");

      Processes.awaitNoneMentioning(child.directory.toString(), CLEANUP);
      Processes.awaitDeleted(child.directory, CLEANUP);
      child.assertPortsFree();
    }
  }

  @Test
  void terminatingTheJvmClosesTheClusterInTheShutdownHook() throws Exception {
    try (ChildJvm child = ChildJvm.startCluster("mariadb")) {
      child.process.destroy(); // SIGTERM, as a build tool or CI stopping a test run sends
      assertTrue(child.process.waitFor(60, TimeUnit.SECONDS));
      assertEquals(143, child.process.exitValue(), "not ended by SIGTERM");

      assertFalse(Files.exists(child.directory), child.directory + " still exists");
      Processes.awaitNoneMentioning(child.directory.toString(), Duration.ofSeconds(5));
      child.assertPortsFree();
    }
  }
}
