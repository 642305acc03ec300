package dev.balanced.hibernate.internal;

import java.util.Map;
import org.hibernate.boot.spi.SessionFactoryOptions;
import org.hibernate.cache.CacheException;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.cache.spi.CacheTransactionSynchronization;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.QueryResultsRegion;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cache.spi.TimestampsRegion;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.service.spi.Configurable;
import org.hibernate.service.spi.ServiceRegistryAwareService;
import org.hibernate.service.spi.ServiceRegistryImplementor;
import org.hibernate.service.spi.Startable;

/**
 * The application's region factory, building its domain regions with {@link
 * NodeAgnosticCacheKeysFactory} as the enforced keys factory, which Hibernate's region support
 * ({@code AbstractDomainDataRegion}) honours. Everything else is delegated.
 */
final class NodeAgnosticRegionFactory
    implements RegionFactory, ServiceRegistryAwareService, Configurable, Startable {
  private static final long serialVersionUID = 1L;

  private final RegionFactory delegate;

  NodeAgnosticRegionFactory(RegionFactory delegate) {
    this.delegate = delegate;
  }

  RegionFactory delegate() {
    return delegate;
  }

  @Override
  public void injectServices(ServiceRegistryImplementor serviceRegistry) {
    if (delegate instanceof ServiceRegistryAwareService aware) {
      aware.injectServices(serviceRegistry);
    }
  }

  @Override
  public void configure(Map<String, Object> configurationValues) {
    if (delegate instanceof Configurable configurable) {
      configurable.configure(configurationValues);
    }
  }

  @Override
  public void start() {
    if (delegate instanceof Startable startable) {
      startable.start();
    }
  }

  @Override
  public DomainDataRegion buildDomainDataRegion(
      DomainDataRegionConfig regionConfig, DomainDataRegionBuildingContext buildingContext) {
    return delegate.buildDomainDataRegion(
        regionConfig,
        new DomainDataRegionBuildingContext() {
          @Override
          public CacheKeysFactory getEnforcedCacheKeysFactory() {
            return NodeAgnosticCacheKeysFactory.INSTANCE;
          }

          @Override
          public SessionFactoryImplementor getSessionFactory() {
            return buildingContext.getSessionFactory();
          }
        });
  }

  @Override
  public void start(SessionFactoryOptions settings, Map<String, Object> configValues)
      throws CacheException {
    delegate.start(settings, configValues);
  }

  @Override
  public boolean isMinimalPutsEnabledByDefault() {
    return delegate.isMinimalPutsEnabledByDefault();
  }

  @Override
  public AccessType getDefaultAccessType() {
    return delegate.getDefaultAccessType();
  }

  @Override
  public String qualify(String regionName) {
    return delegate.qualify(regionName);
  }

  @Override
  public CacheTransactionSynchronization createTransactionContext(
      SharedSessionContractImplementor session) {
    return delegate.createTransactionContext(session);
  }

  @Override
  public long nextTimestamp() {
    return delegate.nextTimestamp();
  }

  @Override
  public long getTimeout() {
    return delegate.getTimeout();
  }

  @Override
  public QueryResultsRegion buildQueryResultsRegion(
      String regionName, SessionFactoryImplementor sessionFactory) {
    return delegate.buildQueryResultsRegion(regionName, sessionFactory);
  }

  @Override
  public TimestampsRegion buildTimestampsRegion(
      String regionName, SessionFactoryImplementor sessionFactory) {
    return delegate.buildTimestampsRegion(regionName, sessionFactory);
  }

  @Override
  public void stop() {
    delegate.stop();
  }
}
