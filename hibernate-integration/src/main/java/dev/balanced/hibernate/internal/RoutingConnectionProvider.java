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
    implements MultiTenantConnectionProvider<NodeTenant>, Stoppable {
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

  @Override
  public Connection getConnection(NodeTenant tenant) throws SQLException {
    RoutingSession routing = tenant.routing();
    if (routing != null) {
      return router.connect(routing);
    }
    return router.topology().node(tenant.node()).connect();
  }

  @Override
  public void releaseConnection(NodeTenant tenant, Connection connection) throws SQLException {
    connection.close();
  }

  @Override
  public Connection getReadOnlyConnection(NodeTenant tenant) throws SQLException {
    return getConnection(tenant);
  }

  @Override
  public void releaseReadOnlyConnection(NodeTenant tenant, Connection connection)
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
