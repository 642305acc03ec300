package dev.balanced.hibernate.internal;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.config.Settings;
import dev.balanced.internal.routing.Router;
import java.util.Map;
import org.hibernate.boot.registry.StandardServiceInitiator;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.MultiTenancySettings;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.service.spi.ServiceContributor;
import org.hibernate.service.spi.ServiceRegistryImplementor;

/**
 * Switches Balanced on when any {@code hibernate.balanced.*} setting is present, and leaves
 * Hibernate untouched otherwise. Validates every one of them before anything starts (the primary
 * URL is required), and Hibernate's own connection settings against them, then contributes the
 * connection provider, the tenant resolver and the cache-key fix.
 */
public final class BalancedServiceContributor implements ServiceContributor {

  @Override
  public void contribute(StandardServiceRegistryBuilder builder) {
    Map<String, Object> settings = builder.getSettings();
    if (!BalancedSettings.isConfigured(settings, Settings.HIBERNATE_PREFIX)) {
      return;
    }
    for (String conflicting :
        new String[] {
          MultiTenancySettings.MULTI_TENANT_CONNECTION_PROVIDER,
          MultiTenancySettings.MULTI_TENANT_IDENTIFIER_RESOLVER
        }) {
      if (settings.get(conflicting) != null) {
        throw new BalancedConfigurationException(
            "Setting '"
                + conflicting
                + "' conflicts with Balanced, which provides it when '"
                + Settings.HIBERNATE_PREFIX
                + "*' settings are present: remove one of them");
      }
    }
    BalancedSettings parsed = BalancedSettings.parse(settings, Settings.HIBERNATE_PREFIX);
    SupersededConnectionSettings.check(settings, parsed);
    builder.addInitiator(new ProviderInitiator(parsed));
    builder.applySetting(
        MultiTenancySettings.MULTI_TENANT_IDENTIFIER_RESOLVER, new NodeTenantResolver());
    builder.addInitiator(new NodeAgnosticRegionFactoryInitiator());
  }

  /** Starts the pools when Hibernate first needs a connection, which is during boot. */
  private static final class ProviderInitiator
      implements StandardServiceInitiator<MultiTenantConnectionProvider<?>> {
    private final BalancedSettings settings;

    ProviderInitiator(BalancedSettings settings) {
      this.settings = settings;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<MultiTenantConnectionProvider<?>> getServiceInitiated() {
      return (Class) MultiTenantConnectionProvider.class;
    }

    @Override
    public MultiTenantConnectionProvider<?> initiateService(
        Map<String, Object> configurationValues, ServiceRegistryImplementor registry) {
      return new RoutingConnectionProvider(Router.start(settings));
    }
  }
}
