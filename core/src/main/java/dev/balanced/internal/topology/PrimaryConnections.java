package dev.balanced.internal.topology;

import dev.balanced.internal.position.WalPositions;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * Where the primary's pool gets its physical connections (PostgreSQL): each new one is asked
 * whether its server is a primary, and on which timeline, before the pool may hand it out. A
 * standby (the address now names one: a DNS name or a multi-host URL after a failover) or a primary
 * on a timeline older than one already seen (a former primary back after a promotion: split brain)
 * is refused with a connection error, so the primary counts as unreachable and writes fail fast
 * rather than land where they would be lost. One round trip per physical connection, none per unit
 * of work.
 */
final class PrimaryConnections implements DataSource {
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger("dev.balanced.topology");

  /** SQLState 08004: the server rejected the connection. */
  static final String REJECTED = "08004";

  private static final String ROLE =
      "select pg_is_in_recovery(),"
          + " case when pg_is_in_recovery() then null"
          + " else pg_walfile_name(pg_current_wal_lsn()) end,"
          + " coalesce(host(inet_server_addr()), 'local') || ':' || inet_server_port()";

  private final String node;
  private final DataSource driver;
  private final Timelines timelines;

  /** Servers and timelines already logged as fenced: once each. */
  private final Set<String> fencedTold = ConcurrentHashMap.newKeySet();

  PrimaryConnections(String node, DataSource driver, Timelines timelines) {
    this.node = node;
    this.driver = driver;
    this.timelines = timelines;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return verified(driver.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return verified(driver.getConnection(username, password));
  }

  private Connection verified(Connection connection) throws SQLException {
    try {
      verify(connection);
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private void verify(Connection connection) throws SQLException {
    boolean standby;
    String walFile;
    String server;
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(ROLE)) {
      rs.next();
      standby = rs.getBoolean(1);
      walFile = rs.getString(2);
      server = rs.getString(3);
    }
    if (!connection.getAutoCommit()) {
      connection.rollback(); // the pool expects a connection without an open transaction
    }
    if (standby) {
      throw new SQLNonTransientConnectionException(
          "the server at " + server + " is a standby (in recovery), not a primary", REJECTED);
    }
    long timeline = WalPositions.timeline(walFile);
    if (!timelines.saw(timeline)) {
      long newest = timelines.newest();
      if (fencedTold.add(server + "/" + timeline)) {
        LOG.atError()
            .addKeyValue("node", node)
            .addKeyValue("server", server)
            .addKeyValue("timeline", timeline)
            .log(
                "the server at {} claims to be the primary on timeline {}, but timeline {} was"
                    + " seen: a former primary (split brain); fenced, it receives no statement",
                server,
                timeline,
                newest);
      }
      throw new SQLNonTransientConnectionException(
          "the server at "
              + server
              + " is a primary on timeline "
              + timeline
              + ", older than timeline "
              + newest
              + " already seen: a former primary, fenced",
          REJECTED);
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return driver.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    driver.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    driver.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return driver.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return driver.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    return driver.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || driver.isWrapperFor(type);
  }
}
