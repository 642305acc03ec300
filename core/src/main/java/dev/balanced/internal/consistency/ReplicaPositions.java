package dev.balanced.internal.consistency;

import dev.balanced.internal.topology.Node;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last WAL position each replica was seen to have replayed. Positions only grow, so a cached
 * position that already reaches what a reader needs settles the question without a round trip; only
 * a replica that looks behind is asked again, and at most once per {@code lsn_refresh_ms}: under
 * load, every unit of work after a recent write finds the replicas behind, and asking each time
 * would cost a pooled connection and a round trip per replica per unit of work.
 */
final class ReplicaPositions {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.consistency");

  private final AtomicLongArray replayed;

  /** {@link System#nanoTime()} when each replica was last asked. */
  private final AtomicLongArray askedAt;

  private final long refreshIntervalNanos;

  ReplicaPositions(int nodeCount, long refreshIntervalMillis) {
    this.replayed = new AtomicLongArray(nodeCount);
    this.askedAt = new AtomicLongArray(nodeCount);
    this.refreshIntervalNanos = refreshIntervalMillis * 1_000_000L;
    long longAgo = System.nanoTime() - refreshIntervalNanos;
    for (int i = 0; i < nodeCount; i++) {
      askedAt.set(i, longAgo);
    }
  }

  long cached(Node node) {
    return replayed.get(node.index());
  }

  /**
   * Asks the replica where it is, unless it was asked less than the refresh interval ago: then (and
   * on failure, with the replica down) returns what was known.
   */
  long refresh(Node node) {
    if (!claimQuestion(node.index())) {
      return cached(node);
    }
    try (Connection connection = node.connect()) {
      advance(node, WalPositions.replayed(connection));
    } catch (SQLException | RuntimeException e) {
      LOG.debug("cannot read the replay position of {}: {}", node.name(), e.getMessage());
    }
    return cached(node);
  }

  /** Whether this caller may ask replica {@code index} now; of concurrent callers, one may. */
  private boolean claimQuestion(int index) {
    if (refreshIntervalNanos == 0) {
      return true;
    }
    long now = System.nanoTime();
    long last = askedAt.get(index);
    return now - last >= refreshIntervalNanos && askedAt.compareAndSet(index, last, now);
  }

  private void advance(Node node, long position) {
    int index = node.index();
    long known;
    do {
      known = replayed.get(index);
      if (Lsn.reached(known, position)) {
        return;
      }
    } while (!replayed.compareAndSet(index, known, position));
  }
}
