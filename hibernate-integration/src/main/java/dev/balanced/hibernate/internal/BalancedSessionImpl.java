package dev.balanced.hibernate.internal;

import dev.balanced.BalancedSession;
import dev.balanced.events.NodeStatus;
import dev.balanced.spi.UnitOfWork;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import org.hibernate.engine.spi.SessionDelegatorBaseImpl;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SessionImplementor;

/**
 * The session (and entity manager) applications get: Hibernate's own session, plus the {@link
 * BalancedSession} steering API. Routing state lives in the {@link UnitOfWork}, which Hibernate's
 * internals reach through the real session, so nothing depends on calls passing through here.
 */
// Hibernate's SessionDelegatorBaseImpl implements createNativeQuery(String, Class) with a raw
// return type; javac reports that unchecked conversion on every subclass.
@SuppressWarnings("unchecked")
final class BalancedSessionImpl extends SessionDelegatorBaseImpl implements BalancedSession {
  private static final long serialVersionUID = 1L;

  private final transient UnitOfWork routing;
  private final transient BalancedSessionFactory factory;

  BalancedSessionImpl(
      SessionImplementor delegate, UnitOfWork routing, BalancedSessionFactory factory) {
    super(delegate);
    this.routing = routing;
    this.factory = factory;
  }

  @Override
  public Scope usingEngine(String name) {
    return routing.usingEngine(name);
  }

  @Override
  public Scope usingReplica() {
    return routing.usingReplica();
  }

  @Override
  public void pin() {
    routing.pin();
  }

  @Override
  public boolean isPinned() {
    return routing.isPinned();
  }

  @Override
  public String currentEngine() {
    return routing.currentEngine();
  }

  @Override
  public String routeReason() {
    return routing.routeReason();
  }

  /**
   * Spring sets this for the length of a {@code @Transactional(readOnly = true)} transaction; the
   * routing refuses writes while it is set.
   */
  @Override
  public void setDefaultReadOnly(boolean readOnly) {
    super.setDefaultReadOnly(readOnly);
    routing.readOnlyByDefault(readOnly);
  }

  @Override
  public List<NodeStatus> health() {
    return routing.health();
  }

  /**
   * {@code unwrap(BalancedSession.class)}, and {@code Session}/{@code EntityManager}, give this.
   */
  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    return delegate().unwrap(type);
  }

  @Override
  public SessionFactoryImplementor getFactory() {
    return factory;
  }

  @Override
  public SessionFactoryImplementor getSessionFactory() {
    return factory;
  }

  @Override
  public EntityManagerFactory getEntityManagerFactory() {
    return factory;
  }

  @Override
  public String toString() {
    return "BalancedSession[" + routing + ", " + delegate() + "]";
  }
}
