package dev.balanced.hibernate.internal;

import dev.balanced.spi.BalancedRuntime;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.SynchronizationType;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.HibernateException;
import org.hibernate.Session;
import org.hibernate.StatelessSession;
import org.hibernate.context.spi.CurrentSessionContext;
import org.hibernate.engine.creation.spi.SessionBuilderImplementor;
import org.hibernate.engine.spi.SessionFactoryDelegatingImpl;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.jpa.HibernateHints;

/**
 * The application's session factory: every session and entity manager it opens is a {@link
 * BalancedSessionImpl} bound to a routing of its own, in the current {@link
 * dev.balanced.PinningContext} if one is open.
 */
final class BalancedSessionFactory extends SessionFactoryDelegatingImpl {
  private static final long serialVersionUID = 1L;

  private final transient BalancedRuntime router;

  /** {@code getCurrentSession()}'s context, over this factory; {@code null} when none is set. */
  private final transient CurrentSessionContext currentSessionContext;

  BalancedSessionFactory(SessionFactoryImplementor delegate, BalancedRuntime router) {
    super(delegate);
    this.router = router;
    this.currentSessionContext = CurrentSessionContexts.of(this);
  }

  BalancedRuntime router() {
    return router;
  }

  /**
   * Opens a Hibernate session through {@code open}, from the wrapped factory with the tenant of a
   * new routing, and wraps it. {@code open} is handed the factory rather than capturing this one,
   * so the one every entity manager goes through is a constant, not an allocation per call.
   */
  BalancedSessionImpl open(
      boolean readOnly,
      BiFunction<SessionFactoryImplementor, NodeTenant, SessionImplementor> open) {
    NodeTenant tenant = newTenant(readOnly);
    return new BalancedSessionImpl(open.apply(delegate(), tenant), tenant.routing(), this);
  }

  /** The tenant of a new session: a routing of its own, in the current context. */
  private NodeTenant newTenant(boolean readOnly) {
    return NodeTenant.of(router.openUnitOfWork(readOnly));
  }

  /** What Hibernate's {@code createEntityManager()} does, with the tenant named on the builder. */
  private static SessionImplementor entityManager(
      SessionFactoryImplementor factory, NodeTenant tenant) {
    return factory.withOptions().autoJoinTransactions(true).tenantIdentifier(tenant).openSession();
  }

  /**
   * Hibernate's entity managers take their tenant from the {@code org.hibernate.tenantId} hint; it
   * is the only way to name one, and the hint is not copied into the session's properties.
   */
  private static Map<Object, Object> withTenant(Map<?, ?> properties, NodeTenant tenant) {
    if (properties == null || properties.isEmpty()) {
      return Map.of(HibernateHints.HINT_TENANT_ID, tenant);
    }
    if (properties.containsKey(HibernateHints.HINT_TENANT_ID)) {
      throw new IllegalArgumentException(
          "Property '"
              + HibernateHints.HINT_TENANT_ID
              + "': "
              + NodeTenant.notSupported(properties.get(HibernateHints.HINT_TENANT_ID)));
    }
    Map<Object, Object> copy = new HashMap<>(properties);
    copy.put(HibernateHints.HINT_TENANT_ID, tenant);
    return copy;
  }

  @Override
  public SessionBuilderImplementor withOptions() {
    return new BalancedSessionBuilder(delegate().withOptions(), this);
  }

  /** A Balanced session, from a context of this factory's rather than the wrapped one's. */
  @Override
  public Session getCurrentSession() {
    if (currentSessionContext == null) {
      throw new HibernateException("No CurrentSessionContext configured");
    }
    return currentSessionContext.currentSession();
  }

  @Override
  public SessionImplementor openSession() {
    return withOptions().openSession();
  }

  /**
   * A stateless session on a routing of its own, in the current context. It has no {@link
   * dev.balanced.BalancedSession} to steer it (steer its context instead) and fires no persist
   * event: its writes are caught by their SQL.
   */
  @Override
  public StatelessSession openStatelessSession() {
    return delegate()
        .withStatelessOptions()
        .tenantIdentifier(newTenant(false))
        .openStatelessSession();
  }

  @Override
  public Session createEntityManager() {
    return createEntityManager((Map<?, ?>) null);
  }

  /**
   * Without properties, what Hibernate's {@code createEntityManager} does, naming the tenant on the
   * session builder instead of in a one-entry hint map: this call opens every unit of work.
   */
  @Override
  @SuppressWarnings("rawtypes") // JPA declares the raw Map
  public Session createEntityManager(Map map) {
    if (map == null || map.isEmpty()) {
      if (!delegate().isOpen()) {
        throw new IllegalStateException("EntityManagerFactory is closed");
      }
      return open(false, BalancedSessionFactory::entityManager);
    }
    return open(
        false,
        (factory, tenant) ->
            (SessionImplementor) factory.createEntityManager(withTenant(map, tenant)));
  }

  @Override
  public Session createEntityManager(SynchronizationType synchronizationType) {
    return createEntityManager(synchronizationType, null);
  }

  @Override
  @SuppressWarnings("rawtypes") // JPA declares the raw Map
  public Session createEntityManager(SynchronizationType synchronizationType, Map map) {
    return open(
        false,
        (factory, tenant) ->
            (SessionImplementor)
                factory.createEntityManager(synchronizationType, withTenant(map, tenant)));
  }

  @Override
  public void runInTransaction(Consumer<EntityManager> work) {
    callInTransaction(
        em -> {
          work.accept(em);
          return null;
        });
  }

  @Override
  public <R> R callInTransaction(Function<EntityManager, R> work) {
    try (EntityManager em = createEntityManager()) {
      EntityTransaction transaction = em.getTransaction();
      transaction.begin();
      try {
        R result = work.apply(em);
        transaction.commit();
        return result;
      } catch (RuntimeException | Error e) {
        if (transaction.isActive()) {
          transaction.rollback();
        }
        throw e;
      }
    }
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    return delegate().unwrap(type);
  }

  @Override
  public String toString() {
    return "BalancedSessionFactory[" + delegate() + "]";
  }
}
