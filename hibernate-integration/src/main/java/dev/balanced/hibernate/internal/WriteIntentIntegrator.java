package dev.balanced.hibernate.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.internal.DefaultLoadEventListener;
import org.hibernate.event.internal.DefaultPersistEventListener;
import org.hibernate.event.service.spi.EventListenerGroup;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.integrator.spi.Integrator;

/**
 * Registers the write-intent checks when Balanced is configured. Where an event fires on every unit
 * of work's hot path (load: every entity found; persist: every entity saved), the check takes the
 * place of Hibernate's default listener as a subclass of it, so the group keeps one listener: a
 * second one there cost a {@code find} transaction about 2% (overhead benchmark). The other events
 * get {@link WriteIntentListener} prepended.
 */
public final class WriteIntentIntegrator implements Integrator {

  @Override
  public void integrate(
      Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor factory) {
    MultiTenantConnectionProvider<?> provider =
        factory.getServiceRegistry().getService(MultiTenantConnectionProvider.class);
    if (!(provider instanceof RoutingConnectionProvider)) {
      return;
    }
    WriteIntentListener listener = new WriteIntentListener();
    EventListenerRegistry registry =
        factory.getServiceRegistry().requireService(EventListenerRegistry.class);
    registry.prependListeners(EventType.PERSIST_ONFLUSH, listener);
    registry.prependListeners(EventType.MERGE, listener);
    registry.prependListeners(EventType.DELETE, listener);
    registry.prependListeners(EventType.LOCK, listener);
    registry.prependListeners(EventType.REFRESH, listener);
    registry.prependListeners(EventType.PRE_UPDATE, listener);
    replaceDefault(
        registry.getEventListenerGroup(EventType.LOAD),
        DefaultLoadEventListener.class,
        new WriteLockingLoadListener(),
        listener);
    replaceDefault(
        registry.getEventListenerGroup(EventType.PERSIST),
        DefaultPersistEventListener.class,
        new WriteCheckingPersistListener(),
        listener);
  }

  /**
   * Puts {@code replacement} where {@code group} has Hibernate's {@code defaultListener}. Should
   * some other integration have replaced that default already, {@code fallback} joins the group
   * instead: slower, still right.
   */
  private static <T> void replaceDefault(
      EventListenerGroup<T> group, Class<?> defaultListener, T replacement, T fallback) {
    List<T> listeners = new ArrayList<>();
    boolean replaced = false;
    for (T existing : group.listeners()) {
      if (existing.getClass() == defaultListener) {
        listeners.add(replacement);
        replaced = true;
      } else {
        listeners.add(existing);
      }
    }
    if (!replaced) {
      group.prependListener(fallback);
      return;
    }
    @SuppressWarnings("unchecked")
    T[] array = (T[]) Array.newInstance(group.getEventType().baseListenerInterface(), 0);
    // clearListeners, unlike the registry's setListeners, keeps the group's duplication strategies.
    group.clearListeners();
    group.appendListeners(listeners.toArray(array));
  }
}
