package dev.balanced.hibernate.internal;

import org.hibernate.event.internal.DefaultLoadEventListener;
import org.hibernate.event.spi.LoadEvent;

/**
 * Hibernate's own load listener, which first pins (or refuses) a load that takes a write lock: a
 * {@code find} with {@code OPTIMISTIC_FORCE_INCREMENT} sends no locking SQL, yet its entity must be
 * read where its version will be incremented. It takes the default listener's place instead of
 * joining it: load fires for every entity found, and a second listener there cost a {@code find}
 * transaction about 2% (overhead benchmark, 3 forks).
 */
final class WriteLockingLoadListener extends DefaultLoadEventListener {
  private static final long serialVersionUID = 1L;

  @Override
  public void onLoad(LoadEvent event, LoadType loadType) {
    WriteIntentListener.beforeLoad(event);
    super.onLoad(event, loadType);
  }
}
