package dev.balanced.hibernate.internal;

import dev.balanced.internal.routing.RoutingSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * Connects Hibernate's callbacks, which do not say which session they serve, to that session's
 * routing. One per session factory; no static state.
 *
 * <ul>
 *   <li>While a session is being opened, the tenant resolver sees it as {@link #opening()}.
 *   <li>While a session acquires a JDBC connection, the connection provider sees it as {@link
 *       #acquiring()}; {@link RoutingSessionListener} sets it around each acquisition.
 *   <li>Event listeners look a session's routing up with {@link #routingOf}.
 * </ul>
 *
 * Both thread-locals are set and cleared within one call on one thread, in {@code finally}.
 */
public final class SessionBindings {
  private final ThreadLocal<RoutingSession> opening = new ThreadLocal<>();
  private final ThreadLocal<RoutingSession> acquiring = new ThreadLocal<>();
  private final Map<SharedSessionContractImplementor, RoutingSession> routings =
      new ConcurrentHashMap<>();

  /** Opens a Hibernate session for {@code routing} and registers it. */
  public <S extends SharedSessionContractImplementor> S open(
      RoutingSession routing, Supplier<S> openSession) {
    S session;
    opening.set(routing);
    try {
      session = openSession.get();
    } finally {
      opening.remove();
    }
    routings.put(session, routing);
    session
        .getEventListenerManager()
        .addListener(new RoutingSessionListener(this, session, routing));
    return session;
  }

  RoutingSession opening() {
    return opening.get();
  }

  RoutingSession acquiring() {
    return acquiring.get();
  }

  void startAcquiring(RoutingSession routing) {
    acquiring.set(routing);
  }

  void endAcquiring() {
    acquiring.remove();
  }

  /** The routing of a session opened through Balanced, or {@code null} for any other session. */
  public RoutingSession routingOf(SharedSessionContractImplementor session) {
    return routings.get(session);
  }

  void closed(SharedSessionContractImplementor session) {
    routings.remove(session);
  }

  /** Sessions open right now; for tests that prove nothing is retained after close. */
  public int openSessionCount() {
    return routings.size();
  }
}
