package dev.balanced.hibernate.internal;

import dev.balanced.internal.routing.Router;
import dev.balanced.internal.routing.RoutingSession;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.SynchronizationType;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hibernate.Session;
import org.hibernate.engine.creation.spi.SessionBuilderImplementor;
import org.hibernate.engine.spi.SessionFactoryDelegatingImpl;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SessionImplementor;

/**
 * The application's session factory: every session and entity manager it opens is a {@link
 * BalancedSessionImpl} bound to a routing of its own, in the current {@link
 * dev.balanced.PinningContext} if one is open.
 */
final class BalancedSessionFactory extends SessionFactoryDelegatingImpl {
  private static final long serialVersionUID = 1L;

  private final transient Router router;
  private final transient SessionBindings bindings;

  BalancedSessionFactory(
      SessionFactoryImplementor delegate, Router router, SessionBindings bindings) {
    super(delegate);
    this.router = router;
    this.bindings = bindings;
  }

  Router router() {
    return router;
  }

  SessionBindings bindings() {
    return bindings;
  }

  /** Opens a Hibernate session through {@code open} for a new routing, and wraps it. */
  BalancedSessionImpl open(boolean readOnly, Supplier<SessionImplementor> open) {
    RoutingSession routing = router.openSession(readOnly);
    return new BalancedSessionImpl(bindings.open(routing, open), routing, this);
  }

  @Override
  public SessionBuilderImplementor withOptions() {
    return new BalancedSessionBuilder(delegate().withOptions(), this);
  }

  @Override
  public SessionImplementor openSession() {
    return withOptions().openSession();
  }

  @Override
  public Session createEntityManager() {
    return open(false, () -> (SessionImplementor) delegate().createEntityManager());
  }

  @Override
  public Session createEntityManager(Map map) {
    return open(false, () -> (SessionImplementor) delegate().createEntityManager(map));
  }

  @Override
  public Session createEntityManager(SynchronizationType synchronizationType) {
    return open(
        false, () -> (SessionImplementor) delegate().createEntityManager(synchronizationType));
  }

  @Override
  public Session createEntityManager(SynchronizationType synchronizationType, Map map) {
    return open(
        false, () -> (SessionImplementor) delegate().createEntityManager(synchronizationType, map));
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
