package dev.balanced.hibernate.internal;

import org.hibernate.SessionFactory;
import org.hibernate.boot.SessionFactoryBuilder;
import org.hibernate.boot.spi.AbstractDelegatingSessionFactoryBuilderImplementor;
import org.hibernate.boot.spi.MetadataImplementor;
import org.hibernate.boot.spi.SessionFactoryBuilderFactory;
import org.hibernate.boot.spi.SessionFactoryBuilderImplementor;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;

/**
 * Wraps the session factory so that its sessions are {@link dev.balanced.BalancedSession}s, for
 * both {@code Persistence.createEntityManagerFactory} and the container bootstrap. Does nothing
 * unless Balanced is configured.
 */
public final class BalancedSessionFactoryBuilderFactory implements SessionFactoryBuilderFactory {

  @Override
  public SessionFactoryBuilder getSessionFactoryBuilder(
      MetadataImplementor metadata, SessionFactoryBuilderImplementor defaultBuilder) {
    MultiTenantConnectionProvider<?> provider =
        metadata
            .getMetadataBuildingOptions()
            .getServiceRegistry()
            .getService(MultiTenantConnectionProvider.class);
    if (!(provider instanceof RoutingConnectionProvider routing)) {
      return defaultBuilder;
    }
    return new Builder(defaultBuilder, routing);
  }

  private static final class Builder
      extends AbstractDelegatingSessionFactoryBuilderImplementor<Builder> {
    private final RoutingConnectionProvider provider;

    Builder(SessionFactoryBuilderImplementor delegate, RoutingConnectionProvider provider) {
      super(delegate);
      this.provider = provider;
    }

    @Override
    protected Builder getThis() {
      return this;
    }

    @Override
    public SessionFactory build() {
      return new BalancedSessionFactory(
          (SessionFactoryImplementor) delegate().build(), provider.router());
    }
  }
}
