package dev.balanced.hibernate.internal;

import java.util.Map;
import org.hibernate.boot.registry.StandardServiceInitiator;
import org.hibernate.engine.jdbc.dialect.internal.DialectResolverInitiator;
import org.hibernate.engine.jdbc.dialect.internal.DialectResolverSet;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolver;
import org.hibernate.service.spi.ServiceRegistryImplementor;

/**
 * Hibernate's dialect resolvers (its own and any named in {@code hibernate.dialect_resolvers}), led
 * by {@link MariaDbBehindMySqlDriver}.
 */
final class BalancedDialectResolverInitiator implements StandardServiceInitiator<DialectResolver> {
  @Override
  public Class<DialectResolver> getServiceInitiated() {
    return DialectResolver.class;
  }

  @Override
  public DialectResolver initiateService(
      Map<String, Object> configurationValues, ServiceRegistryImplementor registry) {
    return new DialectResolverSet(
        new MariaDbBehindMySqlDriver(),
        DialectResolverInitiator.INSTANCE.initiateService(configurationValues, registry));
  }
}
