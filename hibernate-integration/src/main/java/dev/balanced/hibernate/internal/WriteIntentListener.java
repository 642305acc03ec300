package dev.balanced.hibernate.internal;

import dev.balanced.internal.routing.RoutingSession;
import dev.balanced.internal.routing.WriteOperation;
import org.hibernate.LockMode;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.spi.DeleteContext;
import org.hibernate.event.spi.DeleteEvent;
import org.hibernate.event.spi.DeleteEventListener;
import org.hibernate.event.spi.LoadEvent;
import org.hibernate.event.spi.LoadEventListener;
import org.hibernate.event.spi.LockEvent;
import org.hibernate.event.spi.LockEventListener;
import org.hibernate.event.spi.MergeContext;
import org.hibernate.event.spi.MergeEvent;
import org.hibernate.event.spi.MergeEventListener;
import org.hibernate.event.spi.PersistContext;
import org.hibernate.event.spi.PersistEvent;
import org.hibernate.event.spi.PersistEventListener;
import org.hibernate.event.spi.PreUpdateEvent;
import org.hibernate.event.spi.PreUpdateEventListener;
import org.hibernate.event.spi.RefreshContext;
import org.hibernate.event.spi.RefreshEvent;
import org.hibernate.event.spi.RefreshEventListener;

/**
 * Hibernate's own knowledge of a coming write, turned into a pin (greedy) or a refusal (strict)
 * before any SQL of the write is sent. Prepended to persist-on-flush, merge, delete, lock and
 * refresh, so it runs before the default listeners, and to pre-update, which Hibernate fires for an
 * entity its dirty check found changed, right before that entity's UPDATE. Persist and load, which
 * fire on every unit of work's hot path, are checked by subclasses that take the default listeners'
 * place ({@link WriteCheckingPersistListener}, {@link WriteLockingLoadListener}).
 *
 * <p>Deliberately not on the flush-entity event, which fires for every managed entity at every
 * flush, writes or not. A changed collection reaches the routing connection as SQL, as do
 * statements no event shows (bulk and native {@code executeUpdate}, locking queries).
 */
final class WriteIntentListener
    implements PersistEventListener,
        MergeEventListener,
        DeleteEventListener,
        PreUpdateEventListener,
        LockEventListener,
        LoadEventListener,
        RefreshEventListener {
  private static final long serialVersionUID = 1L;

  /** The routing if this write still needs a decision, else {@code null}. */
  private static RoutingSession undecided(SharedSessionContractImplementor session) {
    RoutingSession routing = NodeTenant.routingOf(session.getTenantIdentifierValue());
    return routing == null || routing.isPinnedForWrites() ? null : routing;
  }

  private static String name(String entityName, Object entity) {
    return entityName != null ? entityName : entity == null ? "?" : entity.getClass().getName();
  }

  /**
   * Only where Hibernate's default persist listener was replaced by another integration and {@link
   * WriteCheckingPersistListener} could not take its place.
   */
  @Override
  public void onPersist(PersistEvent event) {
    beforePersist(event);
  }

  @Override
  public void onPersist(PersistEvent event, PersistContext createdAlready) {
    beforePersist(event);
  }

  /** Pins or refuses a persist; see {@link WriteCheckingPersistListener}. */
  static void beforePersist(PersistEvent event) {
    RoutingSession routing = undecided(event.getSession());
    if (routing != null) {
      routing.beforeWrite(
          WriteOperation.of("persist", name(event.getEntityName(), event.getObject())));
    }
  }

  @Override
  public void onMerge(MergeEvent event) {
    RoutingSession routing = undecided(event.getSession());
    if (routing != null) {
      routing.beforeWrite(
          WriteOperation.of("merge", name(event.getEntityName(), event.getOriginal())));
    }
  }

  @Override
  public void onMerge(MergeEvent event, MergeContext copiedAlready) {
    onMerge(event);
  }

  @Override
  public void onDelete(DeleteEvent event) {
    RoutingSession routing = undecided(event.getSession());
    if (routing != null) {
      routing.beforeWrite(
          WriteOperation.of("remove", name(event.getEntityName(), event.getObject())));
    }
  }

  @Override
  public void onDelete(DeleteEvent event, DeleteContext transientEntities) {
    onDelete(event);
  }

  /** The dirty check found changes: the entity's UPDATE is next. Never vetoes it. */
  @Override
  public boolean onPreUpdate(PreUpdateEvent event) {
    RoutingSession routing = undecided(event.getSession());
    if (routing != null) {
      routing.beforeWrite(
          WriteOperation.of(
              "update",
              name(event.getPersister().getEntityName(), event.getEntity()),
              event.getId()));
    }
    return false;
  }

  @Override
  public void onLock(LockEvent event) {
    if (isWriteLock(event.getLockMode())) {
      RoutingSession routing = undecided(event.getSession());
      if (routing != null) {
        routing.beforeWrite(
            WriteOperation.of(
                event.getLockMode() + " lock", name(event.getEntityName(), event.getObject())));
      }
    }
  }

  @Override
  public void onRefresh(RefreshEvent event) {
    if (isWriteLock(event.getLockMode())) {
      RoutingSession routing = undecided(event.getSession());
      if (routing != null) {
        routing.beforeWrite(
            WriteOperation.of(
                event.getLockMode() + " lock", name(event.getEntityName(), event.getObject())));
      }
    }
  }

  @Override
  public void onRefresh(RefreshEvent event, RefreshContext refreshedAlready) {
    onRefresh(event);
  }

  /**
   * Only where Hibernate's default load listener was replaced by another integration and {@link
   * WriteLockingLoadListener} could not take its place.
   */
  @Override
  public void onLoad(LoadEvent event, LoadType loadType) {
    beforeLoad(event);
  }

  /** Pins or refuses a load that takes a write lock; see {@link WriteLockingLoadListener}. */
  static void beforeLoad(LoadEvent event) {
    if (!isWriteLock(event.getLockMode())) {
      return;
    }
    RoutingSession routing = undecided(event.getSession());
    if (routing != null) {
      routing.beforeWrite(
          WriteOperation.of(
              event.getLockMode() + " lock", event.getEntityClassName(), event.getEntityId()));
    }
  }

  /** Row locks fail on a standby, and a forced version increment is an UPDATE. */
  private static boolean isWriteLock(LockMode lockMode) {
    return lockMode != null
        && (lockMode.isPessimistic() || lockMode == LockMode.OPTIMISTIC_FORCE_INCREMENT);
  }
}
