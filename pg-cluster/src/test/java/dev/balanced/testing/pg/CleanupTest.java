package dev.balanced.testing.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    try (ChildJvm child = ChildJvm.startCluster()) {
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
    try (ChildJvm child = ChildJvm.startCluster()) {
      child.process.destroy(); // SIGTERM, as a build tool or CI stopping a test run sends
      assertTrue(child.process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(143, child.process.exitValue(), "not ended by SIGTERM");

      // The hook ran before the JVM exited, so this is done already (the watchdog takes longer).
      assertFalse(Files.exists(child.directory), child.directory + " still exists");
      Processes.awaitNoneMentioning(child.token(), Duration.ofSeconds(5));
      child.assertPortsFree();
    }
  }

  /** A JVM running {@link ClusterInChildJvm}, with the cluster it reported. */
  private static final class ChildJvm implements AutoCloseable {
    final Process process;
    final List<String> output = new ArrayList<>();
    Path directory;
    int[] ports;

    private ChildJvm(Process process) {
      this.process = process;
    }

    static ChildJvm startCluster() throws Exception {
      ChildJvm child = new ChildJvm(startChildJvm());
      try {
        String[] ready = awaitReady(child.process, child.output);
        child.directory = Path.of(ready[1]);
        child.ports = Arrays.stream(ready).skip(2).mapToInt(Integer::parseInt).toArray();
        assertEquals(2, child.ports.length, String.join("\n", child.output));
        for (int port : child.ports) {
          assertTrue(FreePorts.inUse(port), "nothing listens on " + port);
        }
        assertTrue(Files.isDirectory(child.directory));
        return child;
      } catch (Exception | Error e) {
        child.close();
        throw e;
      }
    }

    String token() {
      return directory.getFileName().toString();
    }

    void assertPortsFree() {
      for (int port : ports) {
        assertFalse(FreePorts.inUse(port), "port " + port + " still bound");
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private static Process startChildJvm() throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command =
        List.of(
            java, "-cp", System.getProperty("java.class.path"), ClusterInChildJvm.class.getName());
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Reads the child's output (kept for failure messages) until its READY line. */
  private static String[] awaitReady(Process child, List<String> output) throws Exception {
    CompletableFuture<String[]> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  synchronized (output) {
                    output.add(line);
                  }
                  if (line.startsWith(ClusterInChildJvm.READY + " ")) {
                    ready.complete(line.split(" "));
                  }
                }
              } catch (IOException e) {
                // The child was killed.
              }
              ready.completeExceptionally(new AssertionError("child ended without READY"));
            },
            "child-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return ready.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      synchronized (output) {
        throw new AssertionError(
            "child JVM did not start a cluster:\n" + String.join("\n", output), e);
      }
    }
  }
}
