package dev.balanced.hibernate.internal;

import dev.balanced.BalancedSession;
import dev.balanced.internal.routing.RoutingSession;
import org.hibernate.context.spi.CurrentTenantIdentifierResolver;

/**
 * Names the node a session starts on. Hibernate asks once, while the session is opened; for a
 * session opened through Balanced that is its replica, or the primary when its context is already
 * pinned. Sessions Hibernate opens for itself start on the primary.
 */
final class NodeTenantResolver implements CurrentTenantIdentifierResolver<String> {
  private final SessionBindings bindings;

  NodeTenantResolver(SessionBindings bindings) {
    this.bindings = bindings;
  }

  @Override
  public String resolveCurrentTenantIdentifier() {
    RoutingSession routing = bindings.opening();
    return routing != null ? routing.initialNode().name() : BalancedSession.PRIMARY;
  }

  @Override
  public boolean validateExistingCurrentSessions() {
    return false;
  }
}
