package dev.balanced.hibernate.internal;

import java.util.Map;
import org.hibernate.boot.registry.StandardServiceInitiator;
import org.hibernate.cache.internal.NoCachingRegionFactory;
import org.hibernate.cache.internal.RegionFactoryInitiator;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.service.spi.ServiceRegistryImplementor;

/**
 * Resolves the region factory the application configured, exactly as Hibernate would, and wraps it
 * so its regions use {@link NodeAgnosticCacheKeysFactory}.
 */
final class NodeAgnosticRegionFactoryInitiator implements StandardServiceInitiator<RegionFactory> {

  @Override
  public Class<RegionFactory> getServiceInitiated() {
    return RegionFactory.class;
  }

  @Override
  public RegionFactory initiateService(
      Map<String, Object> configurationValues, ServiceRegistryImplementor registry) {
    RegionFactory configured =
        RegionFactoryInitiator.INSTANCE.initiateService(configurationValues, registry);
    if (configured == null || configured instanceof NoCachingRegionFactory) {
      return configured;
    }
    return new NodeAgnosticRegionFactory(configured);
  }
}
