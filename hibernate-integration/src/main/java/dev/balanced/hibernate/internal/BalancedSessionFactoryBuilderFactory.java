package dev.balanced.hibernate.internal;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.spi.Settings;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.binder.internal.TenantIdBinder;
import org.hibernate.boot.SessionFactoryBuilder;
import org.hibernate.boot.spi.AbstractDelegatingSessionFactoryBuilderImplementor;
import org.hibernate.boot.spi.MetadataImplementor;
import org.hibernate.boot.spi.SessionFactoryBuilderFactory;
import org.hibernate.boot.spi.SessionFactoryBuilderImplementor;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.mapping.PersistentClass;

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
    refuseTenantIdAttributes(metadata);
    return new Builder(defaultBuilder, routing);
  }

  /**
   * Hibernate filters entities with a {@code @TenantId} attribute by the session's tenant, which
   * with Balanced is a node, not a value of that attribute: sessions could not even be opened.
   */
  private static void refuseTenantIdAttributes(MetadataImplementor metadata) {
    List<String> entities =
        metadata.getEntityBindings().stream()
            .filter(
                entity ->
                    entity.getFilters().stream()
                        .anyMatch(filter -> TenantIdBinder.FILTER_NAME.equals(filter.getName())))
            .map(PersistentClass::getEntityName)
            .sorted()
            .toList();
    if (!entities.isEmpty()) {
      throw new BalancedConfigurationException(
          "@TenantId attributes are not supported with Balanced, which uses Hibernate's tenant"
              + " identifier for the node a session reads from; found on "
              + String.join(", ", entities)
              + ". Remove @TenantId, or do not set '"
              + Settings.HIBERNATE_PREFIX
              + "primary.url' for this persistence unit");
    }
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
