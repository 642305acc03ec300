package dev.balanced.hibernate.internal;

import dev.balanced.spi.UnitOfWork;
import dev.balanced.spi.WriteIntent;
import org.hibernate.LockMode;
import org.hibernate.engine.spi.EntityEntry;
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
import org.hibernate.event.spi.PostLoadEvent;
import org.hibernate.event.spi.PostLoadEventListener;
import org.hibernate.event.spi.PreUpdateEvent;
import org.hibernate.event.spi.PreUpdateEventListener;
import org.hibernate.event.spi.RefreshContext;
import org.hibernate.event.spi.RefreshEvent;
import org.hibernate.event.spi.RefreshEventListener;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Hibernate's own knowledge of a coming write, turned into a pin (greedy) or a refusal (strict)
 * before any SQL of the write is sent. Prepended to persist, merge, delete, lock, load and refresh,
 * so it runs before the default listeners (and so before {@code persist()} calls {@code nextval},
 * and before a {@code find} with an optimistic lock reads the entity whose version it will check or
 * increment), and to pre-update, which Hibernate fires for an entity its dirty check found changed,
 * right before that entity's UPDATE. On post-load it catches the optimistic lock of a query, which
 * shows nowhere earlier.
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
        PostLoadEventListener,
        RefreshEventListener {
  private static final long serialVersionUID = 1L;

  /** The routing of a Balanced session whose writes are not yet decided, else {@code null}. */
  private static UnitOfWork undecided(SharedSessionContractImplementor session) {
    UnitOfWork routing = NodeTenant.routingOf(session.getTenantIdentifierValue());
    return routing != null && !routing.isPinnedForWrites() ? routing : null;
  }

  /**
   * Pins or refuses "{@code action} of {@code target}#{@code id}" unless the session is not
   * Balanced's or already decided. The operation is only made when a decision is due.
   */
  private static void beforeWrite(
      SharedSessionContractImplementor session, String action, String target, Object id) {
    UnitOfWork routing = undecided(session);
    if (routing != null) {
      routing.beforeWrite(WriteIntent.of(action, target, id));
    }
  }

  /**
   * Row locks fail on a standby; a forced version increment is an UPDATE; an {@code OPTIMISTIC}
   * lock reads the version again before commit, which on a lagging replica would pass against a row
   * the primary has changed since.
   */
  private static void beforeLock(
      SharedSessionContractImplementor session, LockMode lockMode, String target, Object id) {
    if (lockMode != null && (lockMode.isPessimistic() || lockMode.requiresVersion())) {
      beforeWrite(session, lockMode + " lock", target, id);
    }
  }

  private static String name(String entityName, Object entity) {
    return entityName != null ? entityName : entity == null ? "?" : entity.getClass().getName();
  }

  @Override
  public void onPersist(PersistEvent event) {
    beforeWrite(
        event.getSession(), "persist", name(event.getEntityName(), event.getObject()), null);
  }

  @Override
  public void onPersist(PersistEvent event, PersistContext createdAlready) {
    onPersist(event);
  }

  @Override
  public void onMerge(MergeEvent event) {
    beforeWrite(
        event.getSession(), "merge", name(event.getEntityName(), event.getOriginal()), null);
  }

  @Override
  public void onMerge(MergeEvent event, MergeContext copiedAlready) {
    onMerge(event);
  }

  @Override
  public void onDelete(DeleteEvent event) {
    beforeWrite(event.getSession(), "remove", name(event.getEntityName(), event.getObject()), null);
  }

  @Override
  public void onDelete(DeleteEvent event, DeleteContext transientEntities) {
    onDelete(event);
  }

  /** The dirty check found changes: the entity's UPDATE is next. Never vetoes it. */
  @Override
  public boolean onPreUpdate(PreUpdateEvent event) {
    beforeWrite(
        event.getSession(),
        "update",
        name(event.getPersister().getEntityName(), event.getEntity()),
        event.getId());
    return false;
  }

  @Override
  public void onLock(LockEvent event) {
    beforeLock(
        event.getSession(),
        event.getLockOptions().getLockMode(),
        name(event.getEntityName(), event.getObject()),
        null);
  }

  @Override
  public void onLoad(LoadEvent event, LoadType loadType) {
    beforeLock(
        event.getSession(),
        event.getLockOptions().getLockMode(),
        event.getEntityClassName(),
        event.getEntityId());
  }

  /**
   * A query's optimistic lock fires no event before its SQL, which has no lock clause: its rows
   * come from the session's read node, and the pin taken here, as they load, sends the version
   * check at commit to the primary, where a change since shows. Runs for every entity loaded, so it
   * asks the persistence context only about versioned entities of unpinned Balanced sessions, the
   * only ones that can need it.
   */
  @Override
  public void onPostLoad(PostLoadEvent event) {
    EntityPersister persister = event.getPersister();
    if (persister == null || !persister.isVersioned()) {
      return;
    }
    SharedSessionContractImplementor session = event.getSession();
    if (undecided(session) == null) {
      return;
    }
    EntityEntry entry = session.getPersistenceContextInternal().getEntry(event.getEntity());
    if (entry != null) {
      beforeLock(session, entry.getLockMode(), persister.getEntityName(), event.getId());
    }
  }

  @Override
  public void onRefresh(RefreshEvent event) {
    beforeLock(
        event.getSession(),
        event.getLockOptions().getLockMode(),
        name(event.getEntityName(), event.getObject()),
        null);
  }

  @Override
  public void onRefresh(RefreshEvent event, RefreshContext refreshedAlready) {
    onRefresh(event);
  }
}
