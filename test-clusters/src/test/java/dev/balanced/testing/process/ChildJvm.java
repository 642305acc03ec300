package dev.balanced.testing.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A JVM running {@link ClusterInChildJvm}, with the cluster it reported. */
public final class ChildJvm implements AutoCloseable {
  public final Process process;
  final List<String> output = new ArrayList<>();
  public Path directory;
  int[] ports;

  private ChildJvm(Process process) {
    this.process = process;
  }

  /** Starts a child JVM with a cluster of that kind ({@code pg} or {@code mariadb}). */
  public static ChildJvm startCluster(String kind) throws Exception {
    ChildJvm child = new ChildJvm(startChildJvm(kind));
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

  public String token() {
    return directory.getFileName().toString();
  }

  public void assertPortsFree() {
    for (int port : ports) {
      assertFalse(FreePorts.inUse(port), "port " + port + " still bound");
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static Process startChildJvm(String kind) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command =
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            ClusterInChildJvm.class.getName(),
            kind);
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
