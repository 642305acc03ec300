package dev.balanced.hibernate.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.internal.config.Secrets;
import dev.balanced.internal.routing.Router;
import dev.balanced.internal.routing.RoutingSession;
import dev.balanced.internal.topology.Node;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
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
 * tools) gets a plain connection to the primary. Owns the pools: {@link #stop()} closes them.
 */
public final class RoutingConnectionProvider
    implements MultiTenantConnectionProvider<Object>, Stoppable {
  private static final long serialVersionUID = 1L;

  private final transient Router router;

  RoutingConnectionProvider(Router router) {
    this.router = router;
  }

  public Router router() {
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
    RoutingSession routing = tenant.routing();
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
    Node primary = router.topology().primary();
    String nodes = describeNodes();
    return new DatabaseConnectionInfoImpl(dialect) {
      @Override
      public String getJdbcUrl() {
        return Secrets.maskUrl(primary.pool().getJdbcUrl());
      }

      @Override
      public Integer getPoolMinSize() {
        return primary.pool().getMinimumIdle();
      }

      @Override
      public Integer getPoolMaxSize() {
        return primary.pool().getMaximumPoolSize();
      }

      @Override
      public String toInfoString() {
        return "\tBalanced ("
            + router.mode().name().toLowerCase(Locale.ROOT)
            + " mode, consistency="
            + router.settings().consistency().mode().name().toLowerCase(Locale.ROOT)
            + ") over HikariCP pools:\n"
            + nodes
            + "\n\tDatabase dialect: "
            + dialect.getClass().getSimpleName()
            + "\n\tDatabase version: "
            + dialect.getVersion();
      }
    };
  }

  private String describeNodes() {
    StringJoiner lines = new StringJoiner("\n");
    for (Node node : router.topology().nodes()) {
      HikariDataSource pool = node.pool();
      lines.add(
          "\t\t"
              + node.name()
              + " ["
              + Secrets.maskUrl(pool.getJdbcUrl())
              + "] pool "
              + pool.getPoolName()
              + ", "
              + pool.getMinimumIdle()
              + ".."
              + pool.getMaximumPoolSize()
              + " connections");
    }
    return lines.toString();
  }

  @Override
  public void stop() {
    router.close();
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
