package dev.balanced;

import dev.balanced.events.NodeStatus;
import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.routing.Router;
import dev.balanced.spi.BalancedRuntime;
import dev.balanced.spi.Settings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A plain {@link DataSource} that routes, for code without Hibernate (JDBC, jOOQ, JDBI, Spring
 * JDBC). Each connection is a unit of work: its reads go to a replica until it writes or its {@link
 * PinningContext} is pinned; writes, locking reads and sequence calls go to the primary. {@code
 * connection.unwrap(BalancedSession.class)} steers it.
 *
 * <p>Configured with the same settings as the Hibernate integration, under the prefix {@code
 * balanced.} instead of {@code hibernate.balanced.}: {@code balanced.primary.url}, {@code
 * balanced.replicas.<name>.url}, {@code balanced.mode}, ... Owns one pool per node; {@link
 * #close()} closes them.
 */
public final class BalancedDataSource implements DataSource, AutoCloseable {
  private final BalancedRuntime router;

  /** Whether {@link #close()} closes the runtime: not when an integration shares it. */
  private final boolean ownsRuntime;

  private BalancedDataSource(BalancedRuntime router, boolean ownsRuntime) {
    this.router = router;
    this.ownsRuntime = ownsRuntime;
  }

  /**
   * For integrations that start the runtime themselves and route Hibernate over the same pools (the
   * Spring Boot starter): a DataSource over {@code runtime}, which {@link #close()} leaves open for
   * its owner to close.
   */
  public static BalancedDataSource sharing(BalancedRuntime runtime) {
    return new BalancedDataSource(java.util.Objects.requireNonNull(runtime, "runtime"), false);
  }

  /**
   * Starts the pools described by the {@code balanced.*} entries of {@code properties}; other
   * entries are ignored.
   *
   * @throws BalancedConfigurationException when a setting is missing, unknown or malformed
   */
  public static BalancedDataSource fromProperties(Map<?, ?> properties) {
    Map<String, Object> settings = new java.util.HashMap<>();
    properties.forEach((key, value) -> settings.put(String.valueOf(key), value));
    return new BalancedDataSource(
        Router.start(BalancedSettings.parse(settings, Settings.DATASOURCE_PREFIX)), true);
  }

  @Override
  public Connection getConnection() {
    return router.connect(router.openUnitOfWork(false));
  }

  /** Credentials are configured per node; per-call credentials would bypass the pools. */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "BalancedDataSource takes credentials from balanced.primary.username/password and"
            + " balanced.replicas.<name>.username/password, not per call");
  }

  /**
   * Each node now, for a health endpoint: its state (up, down, behind), a replica's measured lag,
   * why it was last unreachable (credentials masked) and its pool's active, idle and waiting
   * counts. The primary first, then the replicas.
   */
  public List<NodeStatus> health() {
    return router.health();
  }

  @Override
  public void close() {
    if (ownsRuntime) {
      router.close();
    }
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("Balanced logs through SLF4J");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("Cannot unwrap BalancedDataSource as " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  /** For tests in this project: the running router. */
  Router router() {
    return (Router) router;
  }
}
