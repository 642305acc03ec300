package dev.balanced.hibernate.internal;

import dev.balanced.internal.routing.RoutingSession;
import org.hibernate.SessionEventListener;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * Per-session listener. Hibernate calls the connection provider without saying for which session;
 * this listener brackets every acquisition so the provider can bind the connection to the right
 * routing. It also forgets the session when it closes.
 */
final class RoutingSessionListener implements SessionEventListener {
  private static final long serialVersionUID = 1L;

  private final transient SessionBindings bindings;
  private final transient SharedSessionContractImplementor session;
  private final transient RoutingSession routing;

  RoutingSessionListener(
      SessionBindings bindings, SharedSessionContractImplementor session, RoutingSession routing) {
    this.bindings = bindings;
    this.session = session;
    this.routing = routing;
  }

  @Override
  public void jdbcConnectionAcquisitionStart() {
    bindings.startAcquiring(routing);
  }

  @Override
  public void jdbcConnectionAcquisitionEnd() {
    bindings.endAcquiring();
  }

  @Override
  public void end() {
    bindings.closed(session);
  }
}
