package dev.balanced.testing.mariadb;

import dev.balanced.testing.process.ClusterDirectory;
import dev.balanced.testing.process.ClusterException;
import dev.balanced.testing.process.Commands;
import dev.balanced.testing.process.LogTail;
import dev.balanced.testing.process.PortTaken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code mariadbd} process on one data directory: start, stop, crash. Knows nothing about
 * replication beyond the options that make a server a primary or a replica; {@link MariaCluster}
 * does the rest.
 */
final class MariaServer implements ClusterDirectory.Stoppable {
  static final String LOG = "server.log";
  private static final int LOG_LINES = 30;

  private final String name;
  private final Path dataDir;
  private final Path socket;
  private final MariaBinaries binaries;
  private final Commands commands;
  private final List<String> options;
  private Process process;

  MariaServer(
      String name,
      Path dataDir,
      Path socket,
      MariaBinaries binaries,
      Commands commands,
      List<String> options) {
    this.name = name;
    this.dataDir = dataDir;
    this.socket = socket;
    this.binaries = binaries;
    this.commands = commands;
    this.options = List.copyOf(options);
  }

  Path dataDir() {
    return dataDir;
  }

  Path logFile() {
    return dataDir.resolve(LOG);
  }

  /** A new data directory: system tables, root without a password, no test database. */
  static void installDb(MariaBinaries binaries, Commands commands, Path dataDir) {
    List<String> command = new ArrayList<>();
    command.add(binaries.installDb().toString());
    command.add("--no-defaults");
    if (binaries.baseDir() != null) {
      command.add("--basedir=" + binaries.baseDir());
    }
    command.addAll(
        List.of(
            "--datadir=" + dataDir,
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            "--skip-name-resolve",
            // Throwaway servers: small files, quick to copy.
            "--innodb-log-file-size=8M",
            "--innodb-buffer-pool-size=16M"));
    commands.run(Duration.ofMinutes(3), command);
  }

  /** Starts the server on the port and waits until root can connect over TCP. */
  synchronized void start(int port, Duration timeout) throws PortTaken {
    long logStart = LogTail.size(logFile());
    List<String> command = new ArrayList<>();
    command.add(binaries.server().toString());
    command.add("--no-defaults");
    if (binaries.baseDir() != null) {
      command.add("--basedir=" + binaries.baseDir());
    }
    command.addAll(
        List.of(
            "--datadir=" + dataDir,
            "--port=" + port,
            "--bind-address=127.0.0.1",
            "--socket=" + socket,
            "--pid-file=" + dataDir.resolve("mariadbd.pid"),
            "--log-error=" + logFile()));
    command.addAll(options);
    process = commands.spawn(command, dataDir.resolve("stdout.log"));
    long deadline = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (true) {
      try (Connection c = connectAsRoot(port)) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      boolean alive = process.isAlive();
      if (!alive || System.nanoTime() > deadline) {
        String log = LogTail.tail(logFile(), logStart, LOG_LINES);
        stop();
        if (log.contains("Address already in use") || log.contains("Bind on TCP/IP port")) {
          throw new PortTaken(name + ": port " + port + " was taken");
        }
        throw new ClusterException(
            "could not start "
                + name
                + " on port "
                + port
                + " from "
                + dataDir
                + (alive ? " within " + timeout : "")
                + " ("
                + last.getMessage()
                + ")\n--- last lines of "
                + logFile()
                + " ---\n"
                + log);
      }
      ClusterDirectory.sleep(Duration.ofMillis(50));
    }
  }

  static Connection connectAsRoot(int port) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:mariadb://127.0.0.1:" + port + "/?connectTimeout=2000", "root", "");
  }

  /** Whether the server process is alive. */
  synchronized boolean running() {
    return process != null && process.isAlive();
  }

  /** A normal shutdown (SIGTERM: clients disconnected, InnoDB flushed), else SIGKILL. */
  @Override
  public void stop() {
    stop(false);
  }

  /** SIGKILL, as a crash would: InnoDB recovers at the next start. */
  void crash() {
    stop(true);
  }

  private synchronized void stop(boolean immediately) {
    if (process == null) {
      return;
    }
    // The server itself, not the runuser/setpriv process in front of it.
    List<ProcessHandle> targets = new ArrayList<>();
    serverPid().flatMap(ProcessHandle::of).ifPresent(targets::add);
    process.toHandle().descendants().forEach(targets::add);
    targets.add(process.toHandle());
    if (!immediately) {
      targets.get(0).destroy();
      if (awaitExit(targets, Duration.ofSeconds(30))) {
        process = null;
        return;
      }
    }
    targets.forEach(ProcessHandle::destroyForcibly);
    if (!awaitExit(targets, Duration.ofSeconds(10))) {
      throw new ClusterException("could not stop " + name + " (pid " + targets.get(0).pid() + ")");
    }
    process = null;
  }

  private static boolean awaitExit(List<ProcessHandle> handles, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ProcessHandle handle : handles) {
      try {
        handle.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | TimeoutException e) {
        return false;
      }
    }
    return true;
  }

  private Optional<Long> serverPid() {
    try {
      return Optional.of(Long.parseLong(Files.readString(dataDir.resolve("mariadbd.pid")).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The last lines of the server log, for messages. */
  String logTail() {
    return LogTail.tail(logFile(), 0, LOG_LINES);
  }

  /** Server options as {@code --name=value}, the way {@code mariadbd} takes them. */
  static List<String> asOptions(Map<String, String> settings) {
    List<String> options = new ArrayList<>();
    settings.forEach((name, value) -> options.add("--" + name + "=" + value));
    return options;
  }

  @Override
  public String toString() {
    return name;
  }
}
