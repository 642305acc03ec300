package dev.balanced.internal.topology;

import dev.balanced.internal.position.ReplicationPosition;
import java.util.ArrayDeque;

/**
 * When the primary was first seen at each of its recent positions (WAL or GTID), so that a
 * replica's position tells how long ago the primary had data the replica still lacks. Only this
 * JVM's clock is used: a standby's {@code now() - pg_last_xact_replay_timestamp()} would take a
 * caught-up replica of an idle primary for one falling behind, and depends on two servers' clocks.
 *
 * <p>Not thread-safe: the lag monitor's thread owns it.
 */
final class PositionTimeline {
  private record Seen(long nanos, ReplicationPosition position) {}

  private final long windowNanos;
  private final ArrayDeque<Seen> seen = new ArrayDeque<>();

  /**
   * @param windowNanos how far back lag must be told exactly; beyond it, only that it is longer
   */
  PositionTimeline(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /** The primary was at {@code position} at {@code nanos} ({@link System#nanoTime()}). */
  void observe(long nanos, ReplicationPosition position) {
    Seen last = seen.peekLast();
    if (last != null && !position.reached(last.position)) {
      // The primary went back: another server took its place (failover). Its history starts now.
      seen.clear();
      last = null;
    }
    if (last == null || !last.position.reached(position)) {
      seen.addLast(new Seen(nanos, position));
    }
    // The newest position seen before the window stays: it stands for all older ones, so that a
    // replica stuck behind it still shows a lag longer than the window.
    while (seen.size() > 1 && nanos - second().nanos > windowNanos) {
      seen.removeFirst();
    }
  }

  private Seen second() {
    var iterator = seen.iterator();
    iterator.next();
    return iterator.next();
  }

  /**
   * How long before {@code nanos} the primary was first seen past {@code applied}: 0 when the
   * replica has applied everything seen. Short by at most the time between two observations.
   */
  long lagNanos(long nanos, ReplicationPosition applied) {
    for (Seen primary : seen) {
      if (!applied.reached(primary.position)) {
        return Math.max(0, nanos - primary.nanos);
      }
    }
    return 0;
  }
}
