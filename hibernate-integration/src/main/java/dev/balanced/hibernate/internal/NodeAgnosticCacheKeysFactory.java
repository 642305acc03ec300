package dev.balanced.hibernate.internal;

import org.hibernate.cache.internal.DefaultCacheKeysFactory;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.collection.CollectionPersister;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Cache keys without the tenant. Balanced's tenants are nodes holding the same data, so an entity
 * read through a replica and written through the primary must share one cache entry; with the
 * tenant in the key, the primary's write would leave the replica's entry stale.
 *
 * <p>Natural-id keys keep Hibernate's form (which includes the tenant): natural ids are normally
 * immutable, so a per-node entry cannot go stale.
 */
final class NodeAgnosticCacheKeysFactory implements CacheKeysFactory {
  static final NodeAgnosticCacheKeysFactory INSTANCE = new NodeAgnosticCacheKeysFactory();

  @Override
  public Object createCollectionKey(
      Object id,
      CollectionPersister persister,
      SessionFactoryImplementor factory,
      String tenantIdentifier) {
    return DefaultCacheKeysFactory.staticCreateCollectionKey(id, persister, factory, null);
  }

  @Override
  public Object createEntityKey(
      Object id,
      EntityPersister persister,
      SessionFactoryImplementor factory,
      String tenantIdentifier) {
    return DefaultCacheKeysFactory.staticCreateEntityKey(id, persister, factory, null);
  }

  @Override
  public Object createNaturalIdKey(
      Object naturalIdValues, EntityPersister persister, SharedSessionContractImplementor session) {
    return DefaultCacheKeysFactory.staticCreateNaturalIdKey(naturalIdValues, persister, session);
  }

  @Override
  public Object getEntityId(Object cacheKey) {
    return DefaultCacheKeysFactory.staticGetEntityId(cacheKey);
  }

  @Override
  public Object getCollectionId(Object cacheKey) {
    return DefaultCacheKeysFactory.staticGetCollectionId(cacheKey);
  }

  @Override
  public Object getNaturalIdValues(Object cacheKey) {
    return DefaultCacheKeysFactory.staticGetNaturalIdValues(cacheKey);
  }
}
