package dev.balanced.internal.topology;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
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

  /** Where the primary is: one address (static topology), or the node found to be it. */
  @FunctionalInterface
  interface Target {
    DataSource dataSource() throws SQLException;
  }

  private final String node;
  private final Target target;

  /** For the settings HikariCP gives the data source (login timeout, log writer). */
  private final DataSource driver;

  private final Timelines timelines;

  /** Servers and timelines already logged as fenced: once each. */
  private final Set<String> fencedTold = ConcurrentHashMap.newKeySet();

  PrimaryConnections(String node, DataSource driver, Timelines timelines) {
    this(node, () -> driver, driver, timelines);
  }

  PrimaryConnections(String node, Target target, DataSource driver, Timelines timelines) {
    this.node = node;
    this.target = target;
    this.driver = driver;
    this.timelines = timelines;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return verified(target.dataSource().getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return verified(target.dataSource().getConnection(username, password));
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
    ServerRole role = ServerRole.ask(connection);
    boolean standby = role.standby();
    String server = role.server();
    if (standby) {
      throw new SQLNonTransientConnectionException(
          "the server at " + server + " is a standby (in recovery), not a primary", REJECTED);
    }
    long timeline = role.timeline();
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
