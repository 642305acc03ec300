package dev.balanced.hibernate.internal;

import org.hibernate.event.internal.DefaultPersistEventListener;
import org.hibernate.event.spi.PersistContext;
import org.hibernate.event.spi.PersistEvent;

/**
 * Hibernate's own persist listener, which first pins (or refuses) the write: before the default
 * listener asks the sequence for an id, a {@code nextval} a PostgreSQL standby would reject. It
 * takes the default listener's place instead of joining it (see {@link WriteIntentIntegrator}).
 */
final class WriteCheckingPersistListener extends DefaultPersistEventListener {
  private static final long serialVersionUID = 1L;

  /** Both of the default listener's entry points end here, cascaded persists included. */
  @Override
  public void onPersist(PersistEvent event, PersistContext createCache) {
    WriteIntentListener.beforePersist(event);
    super.onPersist(event, createCache);
  }
}
