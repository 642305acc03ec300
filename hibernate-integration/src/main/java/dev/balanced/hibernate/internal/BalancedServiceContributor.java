package dev.balanced.hibernate.internal;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.boot.Bootstrap;
import dev.balanced.spi.BalancedConfiguration;
import dev.balanced.spi.BalancedRuntime;
import dev.balanced.spi.Settings;
import java.util.Map;
import java.util.function.LongSupplier;
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

  /**
   * For tests of replica outages: a {@link LongSupplier} of nanoseconds under this key times them
   * instead of {@link System#nanoTime()}. An object, not text, so it sits outside {@code
   * hibernate.balanced.*}, where every key is a setting checked as text.
   */
  public static final String NANO_CLOCK = "dev.balanced.testing.nano_clock";

  @Override
  public void contribute(StandardServiceRegistryBuilder builder) {
    Map<String, Object> settings = builder.getSettings();
    if (!Bootstrap.isConfigured(settings, Settings.HIBERNATE_PREFIX)) {
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
    BalancedConfiguration parsed = Bootstrap.configure(settings, Settings.HIBERNATE_PREFIX);
    SupersededConnectionSettings.check(settings, parsed);
    builder.addInitiator(new ProviderInitiator(parsed, nanoClock(settings.get(NANO_CLOCK))));
    builder.applySetting(
        MultiTenancySettings.MULTI_TENANT_IDENTIFIER_RESOLVER, new NodeTenantResolver());
    builder.addInitiator(new NodeAgnosticRegionFactoryInitiator());
  }

  private static LongSupplier nanoClock(Object value) {
    if (value == null || value instanceof LongSupplier) {
      return (LongSupplier) value;
    }
    throw new BalancedConfigurationException(
        "Invalid value for setting '"
            + NANO_CLOCK
            + "': expected a java.util.function.LongSupplier of nanoseconds, got a "
            + value.getClass().getName());
  }

  /** Starts the pools when Hibernate first needs a connection, which is during boot. */
  private static final class ProviderInitiator
      implements StandardServiceInitiator<MultiTenantConnectionProvider<?>> {
    private final BalancedConfiguration settings;
    private final LongSupplier nanoClock;

    ProviderInitiator(BalancedConfiguration settings, LongSupplier nanoClock) {
      this.settings = settings;
      this.nanoClock = nanoClock;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<MultiTenantConnectionProvider<?>> getServiceInitiated() {
      return (Class) MultiTenantConnectionProvider.class;
    }

    @Override
    public MultiTenantConnectionProvider<?> initiateService(
        Map<String, Object> configurationValues, ServiceRegistryImplementor registry) {
      BalancedRuntime runtime =
          nanoClock == null ? Bootstrap.start(settings) : Bootstrap.start(settings, nanoClock);
      return new RoutingConnectionProvider(runtime);
    }
  }
}
