package dev.balanced.testing.mariadb;

import dev.balanced.testing.ClusterNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * One server of a {@link MariaCluster}: the primary or a replica, listening on {@code
 * 127.0.0.1:<port>}. Applications connect as {@value #USER} (password {@value #PASSWORD}), who may
 * do anything in the cluster's database but holds no global privilege, so that a replica's {@code
 * read_only} binds it as it binds a production application; the harness itself connects as root.
 *
 * <p>A handle stays valid for the life of the cluster, also while the server is stopped; it keeps
 * its port across restarts.
 */
public final class MariaNode implements ClusterNode {
  /** The application user. */
  public static final String USER = "app";

  /** The application user's password. */
  public static final String PASSWORD = "app";

  private final String name;
  private final boolean replica;
  private final String database;
  private final MariaServer server;
  private volatile int port;
  private volatile boolean running;

  MariaNode(String name, boolean replica, String database, MariaServer server) {
    this.name = name;
    this.replica = replica;
    this.database = database;
    this.server = server;
  }

  /** {@code primary}, {@code replica1}, {@code replica2}, ... */
  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isPrimary() {
    return !replica;
  }

  public boolean isReplica() {
    return replica;
  }

  /** {@value #USER}. */
  @Override
  public String user() {
    return USER;
  }

  /** {@value #PASSWORD}. */
  @Override
  public String password() {
    return PASSWORD;
  }

  /** The TCP port on 127.0.0.1. */
  @Override
  public int port() {
    return port;
  }

  /** {@code jdbc:mariadb://127.0.0.1:<port>/<database>}, for the MariaDB driver. */
  @Override
  public String jdbcUrl() {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
  }

  /** {@code jdbc:mysql://127.0.0.1:<port>/<database>}, for MySQL Connector/J. */
  public String mysqlJdbcUrl() {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + database;
  }

  /** A new connection to the cluster's database as the application user. */
  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
  }

  /** A new connection as root, who is not bound by {@code read_only}. */
  public Connection connectAsRoot() throws SQLException {
    return MariaServer.connectAsRoot(port);
  }

  /** Whether the server is up (as far as the cluster's own start and stop calls know). */
  @Override
  public boolean isRunning() {
    return running;
  }

  MariaServer server() {
    return server;
  }

  void port(int port) {
    this.port = port;
  }

  void running(boolean running) {
    this.running = running;
  }

  @Override
  public String toString() {
    return name + "@127.0.0.1:" + port + (running ? "" : " (stopped)");
  }
}
