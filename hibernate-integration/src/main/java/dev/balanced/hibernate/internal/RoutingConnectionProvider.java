package dev.balanced.hibernate.internal;

import dev.balanced.internal.routing.Router;
import dev.balanced.internal.routing.RoutingSession;
import java.sql.Connection;
import java.sql.SQLException;
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
