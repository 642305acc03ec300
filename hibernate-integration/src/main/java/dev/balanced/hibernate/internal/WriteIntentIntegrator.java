package dev.balanced.hibernate.internal;

import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
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
    registry.prependListeners(EventType.LOAD, listener);
    registry.prependListeners(EventType.REFRESH, listener);
    registry.prependListeners(EventType.PRE_UPDATE, listener);
    // After the default, which refuses an optimistic lock on an entity with no version.
    registry.appendListeners(EventType.POST_LOAD, listener);
  }
}
