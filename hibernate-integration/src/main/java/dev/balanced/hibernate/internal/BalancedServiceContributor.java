package dev.balanced.hibernate.internal;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.boot.Bootstrap;
import dev.balanced.hibernate.spi.SharedRuntime;
import dev.balanced.spi.BalancedConfiguration;
import dev.balanced.spi.BalancedRuntime;
import dev.balanced.spi.Settings;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
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
 * connection provider, the tenant resolver, the cache-key fix and the recognition of MariaDB behind
 * MySQL Connector/J.
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
    Object shared = settings.get(SharedRuntime.SETTING);
    boolean configured = Bootstrap.isConfigured(settings, Settings.HIBERNATE_PREFIX);
    if (shared == null && !configured) {
      return;
    }
    refuseConflictingProviders(settings);
    if (shared != null) {
      BalancedRuntime runtime = sharedRuntime(shared, configured);
      builder.addInitiator(
          new ProviderInitiator(() -> new RoutingConnectionProvider(runtime, false)));
    } else {
      BalancedConfiguration parsed = Bootstrap.configure(settings, Settings.HIBERNATE_PREFIX);
      SupersededConnectionSettings.check(settings, parsed);
      LongSupplier nanoClock = nanoClock(settings.get(NANO_CLOCK));
      builder.addInitiator(
          new ProviderInitiator(
              () ->
                  new RoutingConnectionProvider(
                      nanoClock == null
                          ? Bootstrap.start(parsed)
                          : Bootstrap.start(parsed, nanoClock),
                      true)));
    }
    builder.applySetting(
        MultiTenancySettings.MULTI_TENANT_IDENTIFIER_RESOLVER, new NodeTenantResolver());
    builder.addInitiator(new NodeAgnosticRegionFactoryInitiator());
    builder.addInitiator(new BalancedDialectResolverInitiator());
  }

  private static void refuseConflictingProviders(Map<String, Object> settings) {
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
  }

  private static BalancedRuntime sharedRuntime(Object shared, boolean configured) {
    if (!(shared instanceof BalancedRuntime runtime)) {
      throw new BalancedConfigurationException(
          "Invalid value for setting '"
              + SharedRuntime.SETTING
              + "': expected a running dev.balanced.spi.BalancedRuntime, got a "
              + shared.getClass().getName());
    }
    if (configured) {
      throw new BalancedConfigurationException(
          "Setting '"
              + SharedRuntime.SETTING
              + "' gives a running Balanced, which is configured already; remove the '"
              + Settings.HIBERNATE_PREFIX
              + "*' settings, or the shared runtime");
    }
    return runtime;
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

  /**
   * Makes the provider (starting the pools) when Hibernate first needs a connection, during boot.
   */
  private static final class ProviderInitiator
      implements StandardServiceInitiator<MultiTenantConnectionProvider<?>> {
    private final Supplier<RoutingConnectionProvider> provider;

    ProviderInitiator(Supplier<RoutingConnectionProvider> provider) {
      this.provider = provider;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<MultiTenantConnectionProvider<?>> getServiceInitiated() {
      return (Class) MultiTenantConnectionProvider.class;
    }

    @Override
    public MultiTenantConnectionProvider<?> initiateService(
        Map<String, Object> configurationValues, ServiceRegistryImplementor registry) {
      return provider.get();
    }
  }
}
