package dev.balanced.hibernate.internal;

import org.hibernate.engine.creation.spi.SessionBuilderImplementor;
import org.hibernate.engine.spi.AbstractDelegatingSessionBuilderImplementor;
import org.hibernate.engine.spi.SessionImplementor;

/**
 * {@code sessionFactory.withOptions()}: remembers {@code readOnly(true)} so the session reads from
 * its replica and never switches, and names the session's {@link NodeTenant}, which carries its
 * routing. The tenant is Balanced's: an application cannot choose it.
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
  @Deprecated
  @SuppressWarnings("removal") // refuses Hibernate's deprecated method for as long as it exists
  public SessionBuilderImplementor tenantIdentifier(String tenantIdentifier) {
    throw tenantNotSupported(tenantIdentifier);
  }

  /**
   * Refused, but for the resolver's own answer, which Hibernate's {@code getCurrentSession()}
   * contexts pass on to every builder they open a session with: the session gets its node from
   * Balanced all the same.
   */
  @Override
  public SessionBuilderImplementor tenantIdentifier(Object tenantIdentifier) {
    if (tenantIdentifier == NodeTenant.PRIMARY) {
      return this;
    }
    throw tenantNotSupported(tenantIdentifier);
  }

  private static UnsupportedOperationException tenantNotSupported(Object tenantIdentifier) {
    return new UnsupportedOperationException(
        "tenantIdentifier(" + tenantIdentifier + "): " + NodeTenant.notSupported(tenantIdentifier));
  }

  @Override
  public SessionImplementor openSession() {
    return factory.open(
        readOnly,
        (ignoredFactory, tenant) -> {
          // This builder's options came from the wrapped factory already.
          delegate().tenantIdentifier(tenant);
          return delegate().openSession();
        });
  }
}
