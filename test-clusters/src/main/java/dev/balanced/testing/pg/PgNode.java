package dev.balanced.testing.pg;

import dev.balanced.testing.ClusterNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One server of a {@link PgCluster}: the primary or a hot standby, listening on {@code
 * 127.0.0.1:<port>}. Clients connect as superuser {@code postgres} without a password (trust
 * authentication on loopback).
 *
 * <p>A handle stays valid for the life of the cluster, also while the server is stopped through
 * {@link PgCluster#stop(PgNode)}; it keeps its port across restarts. It keeps its name ({@code
 * primary}, {@code standby1}, ...) for good, but its {@link #role()} changes with a failover: a
 * promoted standby becomes the primary, and the primary it replaced a {@link Role#FORMER_PRIMARY}
 * until it rejoins as a standby.
 */
public final class PgNode implements ClusterNode {
  /** The user every connection uses. */
  public static final String USER = "postgres";

  /** What a node is in the cluster now; {@link PgCluster#promote} and its kin change it. */
  public enum Role {
    /** The cluster's primary: the node promoted last (or the first primary, if none was). */
    PRIMARY,
    /** A hot standby, streaming from the primary it was last pointed at. */
    STANDBY,
    /**
     * A primary replaced by a promotion and not rejoined yet: if it runs, it is a second writable
     * server on an older timeline (split brain).
     */
    FORMER_PRIMARY
  }

  private final String name;
  private final String database;
  private final PgServer server;
  private volatile Role role;
  private volatile PgNode upstream;
  private volatile int port;
  private volatile boolean running;

  PgNode(String name, Role role, String database, PgServer server) {
    this.name = name;
    this.role = role;
    this.database = database;
    this.server = server;
  }

  /** {@code primary}, {@code standby1}, {@code standby2}, ... */
  @Override
  public String name() {
    return name;
  }

  /** The node's role now; it changes with {@link PgCluster#promote} and its kin. */
  public Role role() {
    return role;
  }

  /** Whether this is the cluster's primary now (false for a {@link Role#FORMER_PRIMARY}). */
  @Override
  public boolean isPrimary() {
    return role == Role.PRIMARY;
  }

  /** Whether this is a standby now (also a former primary that rejoined). */
  public boolean isStandby() {
    return role == Role.STANDBY;
  }

  /** {@value #USER}. */
  @Override
  public String user() {
    return USER;
  }

  /** None: trust authentication on loopback. */
  @Override
  public String password() {
    return null;
  }

  /** The TCP port on 127.0.0.1. */
  @Override
  public int port() {
    return port;
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>} for the cluster's database. */
  @Override
  public String jdbcUrl() {
    return jdbcUrl(database);
  }

  /** The JDBC URL of another database on this server (e.g. {@code postgres}). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** The database the cluster created, which {@link #jdbcUrl()} names. */
  public String database() {
    return database;
  }

  /** A new connection to the cluster's database as {@value #USER}; the caller closes it. */
  @Override
  public Connection connect() throws SQLException {
    return connect(database);
  }

  /** A new connection to another database on this server; the caller closes it. */
  public Connection connect(String database) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", USER);
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("ApplicationName", "balanced-pg-cluster");
    return DriverManager.getConnection(jdbcUrl(database), properties);
  }

  /** Whether the server is up, as far as the cluster knows (false after {@code stop}). */
  @Override
  public boolean isRunning() {
    return running;
  }

  /** The server's data directory (inside the cluster's temp directory). */
  public Path dataDir() {
    return server.dataDir();
  }

  /** The server's log file, inside its data directory. */
  public Path logFile() {
    return server.logFile();
  }

  PgServer server() {
    return server;
  }

  void port(int port) {
    this.port = port;
  }

  void running(boolean running) {
    this.running = running;
  }

  void role(Role role) {
    this.role = role;
  }

  /** The node a standby's primary_conninfo names: whom it streams from when both run. */
  PgNode upstream() {
    return upstream;
  }

  void upstream(PgNode upstream) {
    this.upstream = upstream;
  }

  @Override
  public String toString() {
    return name + "@127.0.0.1:" + port;
  }
}
