package dev.balanced.hibernate.internal;

import java.util.ArrayList;
import java.util.List;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.internal.DefaultLoadEventListener;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.event.spi.LoadEventListener;
import org.hibernate.integrator.spi.Integrator;

/** Registers {@link WriteIntentListener} when Balanced is configured. */
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
    registry.prependListeners(EventType.PERSIST, listener);
    registry.prependListeners(EventType.PERSIST_ONFLUSH, listener);
    registry.prependListeners(EventType.MERGE, listener);
    registry.prependListeners(EventType.DELETE, listener);
    registry.prependListeners(EventType.LOCK, listener);
    registry.prependListeners(EventType.REFRESH, listener);
    registry.prependListeners(EventType.PRE_UPDATE, listener);
    replaceDefaultLoadListener(registry, listener);
  }

  /**
   * Puts {@link WriteLockingLoadListener} where Hibernate's default load listener is. Should some
   * other integration have replaced the default, ours joins the group instead: slower, still right.
   */
  private static void replaceDefaultLoadListener(
      EventListenerRegistry registry, WriteIntentListener listener) {
    List<LoadEventListener> listeners = new ArrayList<>();
    boolean replaced = false;
    for (LoadEventListener existing : registry.getEventListenerGroup(EventType.LOAD).listeners()) {
      if (existing.getClass() == DefaultLoadEventListener.class) {
        listeners.add(new WriteLockingLoadListener());
        replaced = true;
      } else {
        listeners.add(existing);
      }
    }
    if (replaced) {
      registry.setListeners(EventType.LOAD, listeners.toArray(LoadEventListener[]::new));
    } else {
      registry.prependListeners(EventType.LOAD, listener);
    }
  }
}
