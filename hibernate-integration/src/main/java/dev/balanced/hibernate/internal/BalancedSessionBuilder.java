package dev.balanced.hibernate.internal;

import org.hibernate.engine.creation.spi.SessionBuilderImplementor;
import org.hibernate.engine.spi.AbstractDelegatingSessionBuilderImplementor;
import org.hibernate.engine.spi.SessionImplementor;

/**
 * {@code sessionFactory.withOptions()}: remembers {@code readOnly(true)} so the session reads from
 * its replica and never switches, and names the session's start node as its tenant.
 */
final class BalancedSessionBuilder extends AbstractDelegatingSessionBuilderImplementor {
  private final BalancedSessionFactory factory;
  private boolean readOnly;

  BalancedSessionBuilder(SessionBuilderImplementor delegate, BalancedSessionFactory factory) {
    super(delegate);
    this.factory = factory;
  }

  @Override
  public SessionBuilderImplementor readOnly(boolean readOnly) {
    this.readOnly = readOnly;
    return super.readOnly(readOnly);
  }

  @Override
  public SessionImplementor openSession() {
    // Hibernate resolved a tenant when the builder was created, before this session's routing
    // existed; name the routing's start node explicitly instead.
    return factory.open(
        readOnly,
        () -> {
          delegate().tenantIdentifier(factory.bindings().opening().initialNode().name());
          return delegate().openSession();
        });
  }
}
