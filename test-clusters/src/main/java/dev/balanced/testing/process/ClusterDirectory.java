package dev.balanced.testing.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The temp directory a test cluster lives in, and the three things that make sure its servers do
 * not outlive it: {@link #close}, a shutdown hook for a JVM that exits without closing, and a
 * {@link Watchdog} for a JVM that is killed outright. The cluster says how to stop its servers;
 * this class decides when, and deletes the directory afterwards.
 */
public final class ClusterDirectory {
  /** One server, as the directory's owner stops it on close. */
  @FunctionalInterface
  public interface Stoppable {
    void stop();
  }

  private final Path path;
  private final String label;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Watchdog watchdog;
  private Thread shutdownHook;

  private ClusterDirectory(Path path, String label) {
    this.path = path;
    this.label = label;
  }

  /**
   * Creates {@code <base>/<prefix>NNNN}, owned by the user that runs the servers, and starts the
   * watchdog at once, so that even a JVM killed during startup leaves nothing behind. {@code base}
   * null means the system temp directory, or {@code /tmp} if the server user cannot reach that.
   *
   * @param label what the cluster is, for messages and thread names (e.g. {@code
   *     balanced-pg-cluster})
   */
  public static ClusterDirectory create(Path baseDir, String prefix, RunAs runAs, String label) {
    Path base = baseDir != null ? baseDir : Path.of(System.getProperty("java.io.tmpdir"));
    // The unprivileged user that runs the servers for a root JVM must reach the directory.
    if (runAs.switchesUser() && !FileTrees.traversableByAll(base)) {
      if (baseDir != null) {
        throw new ClusterException(
            baseDir + " is not reachable by " + runAs.userName() + ", who runs the servers");
      }
      base = Path.of("/tmp");
    }
    Path path;
    try {
      Files.createDirectories(base);
      path = Files.createTempDirectory(base, prefix).toAbsolutePath().normalize();
      runAs.handOver(path);
    } catch (IOException e) {
      throw new ClusterException("could not create a cluster directory under " + base, e);
    }
    ClusterDirectory directory = new ClusterDirectory(path, label);
    directory.watchdog = Watchdog.start(path, directory.token());
    return directory;
  }

  /** The directory. */
  public Path path() {
    return path;
  }

  /**
   * The directory's name, unique on this machine: servers that put it into their process titles can
   * be found by the watchdog even when their command line does not name the directory.
   */
  public String token() {
    return path.getFileName().toString();
  }

  /** Whether {@link #close} has begun. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Fails if the cluster is closed. */
  public void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the cluster in " + path + " is closed");
    }
  }

  /**
   * Makes a JVM that exits without closing the cluster stop these servers and delete the directory
   * on its way out. The supplier is asked then, so it may list servers started later.
   */
  public void closeOnExit(java.util.function.Supplier<List<? extends Stoppable>> servers) {
    shutdownHook =
        new Thread(
            () -> {
              if (!closed.compareAndSet(false, true)) {
                return;
              }
              try {
                cleanUp(servers.get());
              } catch (RuntimeException e) {
                // Logging may be gone this late.
                System.err.println(label + ": cleanup of " + path + " failed: " + e);
              }
            },
            label + "-cleanup");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Stops the servers (each as its {@link Stoppable} says), deletes the directory and ends the
   * watchdog. Idempotent.
   *
   * @return false if it had been closed already
   * @throws ClusterException if a server could not be stopped or the directory not deleted; the
   *     watchdog then stays to retry when the JVM exits
   */
  public boolean close(List<? extends Stoppable> servers) {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down already; the hook finds the cluster closed.
      }
    }
    cleanUp(servers);
    return true;
  }

  private synchronized void cleanUp(List<? extends Stoppable> servers) {
    ClusterException failure = null;
    for (Stoppable server : servers) {
      try {
        server.stop();
      } catch (RuntimeException e) {
        failure = collect(failure, "could not stop " + server, e);
      }
    }
    try {
      deleteDirectory();
    } catch (IOException e) {
      failure = collect(failure, "could not delete " + path, e);
    }
    if (failure != null) {
      throw failure;
    }
    if (watchdog != null) {
      watchdog.close();
    }
  }

  /** A server that just exited may still be removing files: retry briefly. */
  private void deleteDirectory() throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        FileTrees.deleteRecursively(path);
        return;
      } catch (IOException e) {
        if (attempt == 5) {
          throw e;
        }
        sleep(Duration.ofMillis(200));
      }
    }
  }

  private static ClusterException collect(ClusterException failure, String message, Exception e) {
    ClusterException next = new ClusterException(message + ": " + e.getMessage(), e);
    if (failure == null) {
      return next;
    }
    failure.addSuppressed(next);
    return failure;
  }

  /** Sleeps; an interrupt ends the wait with a {@link ClusterException}. */
  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted", e);
    }
  }
}
