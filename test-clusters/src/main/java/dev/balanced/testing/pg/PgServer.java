package dev.balanced.testing.pg;

import dev.balanced.testing.process.Commands;
import dev.balanced.testing.process.LogTail;
import dev.balanced.testing.process.PortTaken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The PostgreSQL programs applied to one data directory: create it, start, stop. Knows nothing
 * about replication; {@link PgCluster} decides what each directory becomes.
 */
final class PgServer {
  /** The server log, inside the data directory so that it goes away with it. */
  static final String LOG = "server.log";

  private static final int LOG_LINES = 30;

  private final String name;
  private final Path dataDir;
  private final PgBinaries binaries;
  private final Commands pg;

  PgServer(String name, Path dataDir, PgBinaries binaries, Commands pg) {
    this.name = name;
    this.dataDir = dataDir;
    this.binaries = binaries;
    this.pg = pg;
  }

  Path dataDir() {
    return dataDir;
  }

  Path logFile() {
    return dataDir.resolve(LOG);
  }

  /** A new, empty cluster: superuser postgres, trust auth, C locale, no fsync of the files. */
  void initdb() {
    pg.run(
        Duration.ofMinutes(3),
        List.of(
            tool("initdb"),
            "-D",
            dataDir.toString(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"));
  }

  /**
   * A copy of a running primary made with pg_basebackup; {@code -R} writes standby.signal and
   * primary_conninfo, so the copy starts as its streaming standby.
   */
  void baseBackupFrom(int primaryPort, String applicationName) {
    pg.run(
        Duration.ofMinutes(3),
        List.of(
            tool("pg_basebackup"),
            "-d",
            "host=127.0.0.1 port="
                + primaryPort
                + " user=postgres application_name="
                + applicationName,
            "-D",
            dataDir.toString(),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync"));
    forgetSourceFiles();
  }

  /** A file-level copy of a cleanly stopped server's data directory. */
  void copyOf(Path stoppedDataDir) {
    pg.run(
        Duration.ofMinutes(3), List.of("cp", "-a", stoppedDataDir.toString(), dataDir.toString()));
    forgetSourceFiles();
  }

  /** The copy's log and options belong to the source server. */
  private void forgetSourceFiles() {
    try {
      Files.deleteIfExists(dataDir.resolve(LOG));
      Files.deleteIfExists(dataDir.resolve("postmaster.opts"));
    } catch (IOException e) {
      throw new PgClusterException("could not clean up the copy in " + dataDir, e);
    }
  }

  /**
   * Starts the server on the port and waits until it accepts connections (for a standby: until it
   * is consistent and hot standby lets clients in).
   */
  void start(int port, Duration timeout) throws PortTaken {
    long logStart = LogTail.size(logFile());
    Commands.Result result =
        pg.exec(
            timeout.plusSeconds(30),
            List.of(
                tool("pg_ctl"),
                "-D",
                dataDir.toString(),
                "-l",
                logFile().toString(),
                "-o",
                "-p " + port,
                "-w",
                "-t",
                Long.toString(Math.max(1, timeout.toSeconds())),
                "start"));
    if (result.ok()) {
      return;
    }
    String log = LogTail.tail(logFile(), logStart, LOG_LINES);
    // pg_ctl may have given up waiting on a server that is still starting: stop it.
    stop();
    if (log.contains("Address already in use")) {
      throw new PortTaken(name + ": port " + port + " was taken");
    }
    throw new PgClusterException(
        "could not start "
            + name
            + " on port "
            + port
            + " from "
            + dataDir
            + ":\n"
            + result.output().strip()
            + "\n--- last lines of "
            + logFile()
            + " ---\n"
            + log);
  }

  /** Whether the postmaster of this data directory is alive. */
  boolean running() {
    return Postmaster.of(dataDir).isPresent();
  }

  /**
   * Stops the server: a fast shutdown (clients disconnected, clean checkpoint), else an immediate
   * one, else SIGKILL to the postmaster and its children.
   */
  void stop() {
    stop(false);
  }

  /**
   * Stops the server at once, as a crash would: an immediate shutdown (backends killed, no
   * checkpoint, recovery at the next start), else SIGKILL.
   */
  void crash() {
    stop(true);
  }

  private void stop(boolean immediately) {
    if (!running()) {
      return;
    }
    if ((!immediately && pgCtlStop("fast", 20)) || pgCtlStop("immediate", 10)) {
      return;
    }
    Optional<ProcessHandle> postmaster = Postmaster.of(dataDir);
    if (postmaster.isEmpty()) {
      return;
    }
    postmaster.get().descendants().forEach(ProcessHandle::destroyForcibly);
    postmaster.get().destroyForcibly();
    try {
      postmaster.get().onExit().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new PgClusterException(
          "could not stop " + name + " (pid " + postmaster.get().pid() + ")", e);
    }
  }

  private boolean pgCtlStop(String mode, int seconds) {
    Commands.Result result;
    try {
      result =
          pg.exec(
              Duration.ofSeconds(seconds + 10),
              List.of(
                  tool("pg_ctl"),
                  "-D",
                  dataDir.toString(),
                  "-m",
                  mode,
                  "-w",
                  "-t",
                  Integer.toString(seconds),
                  "stop"));
    } catch (PgClusterException e) {
      // pg_ctl itself hung: the caller escalates.
      return !running();
    }
    return result.ok() || !running();
  }

  /** The last lines of the server log, for messages. */
  String logTail() {
    return LogTail.tail(logFile(), 0, LOG_LINES);
  }

  private String tool(String program) {
    return binaries.tool(program).toString();
  }
}
