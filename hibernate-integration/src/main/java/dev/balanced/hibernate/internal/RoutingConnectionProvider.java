package dev.balanced.hibernate.internal;

import dev.balanced.spi.BalancedRuntime;
import dev.balanced.spi.NodeInfo;
import dev.balanced.spi.UnitOfWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.StringJoiner;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.jdbc.connections.internal.DatabaseConnectionInfoImpl;
import org.hibernate.engine.jdbc.connections.spi.DatabaseConnectionInfo;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.service.spi.Stoppable;

/**
 * Treats the primary and each replica as a tenant. A session opened through Balanced carries its
 * routing in its {@link NodeTenant} and gets a routing connection that starts on the tenant's node
 * and moves to the primary when the session writes; any other session (Hibernate's own, schema
 * tools) gets a plain connection to the primary. Owns the pools unless a framework shares them:
 * then {@link #stop()} leaves them to it.
 */
public final class RoutingConnectionProvider
    implements MultiTenantConnectionProvider<Object>, Stoppable {
  private static final long serialVersionUID = 1L;

  private final transient BalancedRuntime router;

  /** Whether {@link #stop()} closes the runtime: not one a framework shares with its DataSource. */
  private final boolean ownsRuntime;

  RoutingConnectionProvider(BalancedRuntime router, boolean ownsRuntime) {
    this.router = router;
    this.ownsRuntime = ownsRuntime;
  }

  public BalancedRuntime router() {
    return router;
  }

  /** Boot-time metadata, DDL, temporary tables: the primary only. */
  @Override
  public Connection getAnyConnection() throws SQLException {
    return router.connectPrimary();
  }

  @Override
  public void releaseAnyConnection(Connection connection) throws SQLException {
    connection.close();
  }

  /**
   * Every session's connections come through here, so this is where a tenant Balanced did not
   * choose is refused: one named for a shared or stateless session builder, say.
   */
  @Override
  public Connection getConnection(Object tenantIdentifier) throws SQLException {
    if (!(tenantIdentifier instanceof NodeTenant tenant)) {
      throw new UnsupportedOperationException(NodeTenant.notSupported(tenantIdentifier));
    }
    UnitOfWork routing = tenant.routing();
    return routing != null ? router.connect(routing) : router.connectPrimary();
  }

  @Override
  public void releaseConnection(Object tenantIdentifier, Connection connection)
      throws SQLException {
    connection.close();
  }

  /** Connections are returned after each transaction; never mid-transaction. */
  @Override
  public boolean supportsAggressiveRelease() {
    return false;
  }

  /**
   * What Hibernate logs at startup about its connections: every node with its URL (credentials
   * masked) and pool, where the multi-tenant default prints "undefined/unknown".
   */
  @Override
  public DatabaseConnectionInfo getDatabaseConnectionInfo(Dialect dialect) {
    List<NodeInfo> nodes = router.nodes();
    NodeInfo primary = nodes.get(0);
    return new DatabaseConnectionInfoImpl(dialect) {
      @Override
      public String getJdbcUrl() {
        return primary.url();
      }

      @Override
      public Integer getPoolMinSize() {
        return primary.minimumIdle();
      }

      @Override
      public Integer getPoolMaxSize() {
        return primary.maximumPoolSize();
      }

      @Override
      public String toInfoString() {
        return "\tBalanced ("
            + router.describe()
            + ") over HikariCP pools:\n"
            + describe(nodes)
            + "\n\tDatabase dialect: "
            + dialect.getClass().getSimpleName()
            + "\n\tDatabase version: "
            + dialect.getVersion();
      }
    };
  }

  private static String describe(List<NodeInfo> nodes) {
    StringJoiner lines = new StringJoiner("\n");
    for (NodeInfo node : nodes) {
      lines.add(
          "\t\t"
              + node.name()
              + " ["
              + node.url()
              + "] pool "
              + node.poolName()
              + ", "
              + node.minimumIdle()
              + ".."
              + node.maximumPoolSize()
              + " connections");
    }
    return lines.toString();
  }

  @Override
  public void stop() {
    if (ownsRuntime) {
      router.close();
    }
  }

  @Override
  public boolean isUnwrappableAs(Class<?> unwrapType) {
    return unwrapType.isInstance(this) || unwrapType.isInstance(router);
  }

  @Override
  public <T> T unwrap(Class<T> unwrapType) {
    if (unwrapType.isInstance(this)) {
      return unwrapType.cast(this);
    }
    if (unwrapType.isInstance(router)) {
      return unwrapType.cast(router);
    }
    throw new IllegalArgumentException(
        "Cannot unwrap " + getClass().getName() + " as " + unwrapType);
  }
}
