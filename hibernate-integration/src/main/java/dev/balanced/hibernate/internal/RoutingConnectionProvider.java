package dev.balanced.hibernate.internal;

import dev.balanced.internal.routing.Router;
import dev.balanced.internal.routing.RoutingSession;
import java.sql.Connection;
import java.sql.SQLException;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.service.spi.Stoppable;

/**
 * Treats the primary and each replica as a tenant. A session opened through Balanced gets a routing
 * connection that starts on its tenant's node and moves to the primary when the session writes; any
 * other session (Hibernate's own, schema tools) gets a plain connection to its tenant's node, which
 * is the primary unless it asked for another. Owns the pools: {@link #stop()} closes them.
 */
public final class RoutingConnectionProvider
    implements MultiTenantConnectionProvider<String>, Stoppable {
  private static final long serialVersionUID = 1L;

  private final transient Router router;
  private final transient SessionBindings bindings;

  RoutingConnectionProvider(Router router, SessionBindings bindings) {
    this.router = router;
    this.bindings = bindings;
  }

  public Router router() {
    return router;
  }

  public SessionBindings bindings() {
    return bindings;
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
  public Connection getConnection(String tenantIdentifier) throws SQLException {
    RoutingSession routing = bindings.acquiring();
    if (routing != null) {
      return router.connect(routing);
    }
    return router.topology().node(tenantIdentifier).connect();
  }

  @Override
  public void releaseConnection(String tenantIdentifier, Connection connection)
      throws SQLException {
    connection.close();
  }

  @Override
  public Connection getReadOnlyConnection(String tenantIdentifier) throws SQLException {
    return getConnection(tenantIdentifier);
  }

  @Override
  public void releaseReadOnlyConnection(String tenantIdentifier, Connection connection)
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
