package dev.balanced.internal.topology;

import dev.balanced.internal.position.ReplicationPosition;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest PostgreSQL timeline Balanced has seen, from any position it read (a commit's, the
 * primary's, a standby's) and from every primary it connected to. A promotion starts a new
 * timeline, so a primary on an earlier one is a former primary: it is fenced ({@link
 * PrimaryConnections}), and a token written on an earlier one cannot be judged by position ({@code
 * ReadYourWrites}). Only ever grows; 0 while none is known (other databases have none).
 */
public final class Timelines {
  private final AtomicLong newest = new AtomicLong();

  /** Told when a later timeline than any before is seen; set once at startup. */
  private volatile Runnable onNewer = () -> {};

  /** What to do when a later timeline is seen (a promotion happened): quick, must not throw. */
  void onNewer(Runnable action) {
    this.onNewer = action;
  }

  /** Notes {@code timeline}; returns whether it is the newest (or as new as the newest). */
  public boolean saw(long timeline) {
    long known = newest.get();
    while (timeline > known) {
      if (newest.compareAndSet(known, timeline)) {
        if (known != 0) {
          onNewer.run();
        }
        return true;
      }
      known = newest.get();
    }
    return timeline == known;
  }

  /** Notes the timeline of {@code position}, a WAL position just read; returns it. */
  public ReplicationPosition saw(ReplicationPosition position) {
    saw(position.timeline());
    return position;
  }

  /** The latest timeline seen; 0 before any. */
  public long newest() {
    return newest.get();
  }
}
