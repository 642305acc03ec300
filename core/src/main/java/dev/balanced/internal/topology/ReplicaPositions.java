package dev.balanced.internal.topology;

import dev.balanced.internal.position.Lsn;
import dev.balanced.internal.position.WalPositions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each replica has replayed the primary's WAL to, for everyone who asks: the lag monitor and
 * read-your-writes in {@code lsn} mode share one cache and one question per replica, so a replica
 * asked by one is not asked again by the other within its interval.
 *
 * <p>Positions only grow, so a cached position that already reaches what a reader needs settles the
 * question without a round trip; only a replica that looks behind is asked again, and at most once
 * per {@code lsn_refresh_ms}: under load, every unit of work after a recent write finds the
 * replicas behind, and asking each time would cost a pooled connection and a round trip per replica
 * per unit of work.
 */
public final class ReplicaPositions {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.consistency");

  /** The furthest position each replica was seen at: what a reader may rely on. */
  private final AtomicLongArray furthest;

  /** Each replica's last answer as it was: 0 once it is no longer a standby (promoted). */
  private final AtomicLongArray latest;

  /** The clock's time at which each replica was last asked, and last answered. */
  private final AtomicLongArray askedAt;

  private final AtomicLongArray answeredAt;

  private final LongSupplier nanoClock;

  /** Per node: round trips made for its position, and questions the cache answered instead. */
  private final LongAdder[] asks;

  private final LongAdder[] cacheAnswers;

  ReplicaPositions(int nodeCount, LongSupplier nanoClock) {
    this.asks = new LongAdder[nodeCount];
    this.cacheAnswers = new LongAdder[nodeCount];
    for (int i = 0; i < nodeCount; i++) {
      asks[i] = new LongAdder();
      cacheAnswers[i] = new LongAdder();
    }
    this.furthest = new AtomicLongArray(nodeCount);
    this.latest = new AtomicLongArray(nodeCount);
    this.askedAt = new AtomicLongArray(nodeCount);
    this.answeredAt = new AtomicLongArray(nodeCount);
    this.nanoClock = nanoClock;
    long never = nanoClock.getAsLong() - Long.MAX_VALUE / 2;
    for (int i = 0; i < nodeCount; i++) {
      askedAt.set(i, never);
      answeredAt.set(i, never);
    }
  }

  /**
   * The furthest position {@code node} was seen to have replayed, 0 if never; a question the cache
   * answers without a round trip.
   */
  public long cached(Node node) {
    cacheAnswers[node.index()].increment();
    return furthest.get(node.index());
  }

  /** How many times {@code node} was asked for its position: a round trip each. */
  public long asks(Node node) {
    return asks[node.index()].sum();
  }

  /** How many questions for {@code node}'s position the cache answered without a round trip. */
  public long cacheAnswers(Node node) {
    return cacheAnswers[node.index()].sum();
  }

  /**
   * For read-your-writes: the furthest position of {@code node}, asking it unless it was asked less
   * than {@code intervalNanos} ago by anyone (then, and on failure, what was known). Of concurrent
   * callers, one asks.
   */
  public long refresh(Node node, long intervalNanos) {
    int index = node.index();
    long now = nanoClock.getAsLong();
    long last = askedAt.get(index);
    boolean mayAsk =
        intervalNanos == 0
            || (now - last >= intervalNanos && askedAt.compareAndSet(index, last, now));
    if (mayAsk) {
      try {
        ask(node, 0);
      } catch (SQLException | RuntimeException e) {
        LOG.debug("cannot read the replay position of {}: {}", node.name(), e.getMessage());
      }
      return furthest.get(index);
    }
    return cached(node);
  }

  /**
   * For the lag monitor: {@code node}'s latest answer if it came less than {@code maxAgeNanos} ago
   * (read-your-writes may just have asked), else a new one, read within {@code timeoutMs}.
   *
   * @return the position as the replica reported it: 0 when it is not a standby
   * @throws SQLException when it cannot be asked; what was known stays
   */
  long latest(Node node, long maxAgeNanos, int timeoutMs) throws SQLException {
    int index = node.index();
    if (nanoClock.getAsLong() - answeredAt.get(index) < maxAgeNanos) {
      cacheAnswers[index].increment();
      return latest.get(index);
    }
    askedAt.set(index, nanoClock.getAsLong());
    return ask(node, timeoutMs);
  }

  private long ask(Node node, int timeoutMs) throws SQLException {
    asks[node.index()].increment();
    long position;
    try (Connection connection = node.connect()) {
      if (timeoutMs > 0) {
        connection.setNetworkTimeout(Runnable::run, timeoutMs);
      }
      position = WalPositions.replayed(connection);
    }
    int index = node.index();
    latest.set(index, position);
    answeredAt.set(index, nanoClock.getAsLong());
    long known;
    do {
      known = furthest.get(index);
      if (Lsn.reached(known, position)) {
        break;
      }
    } while (!furthest.compareAndSet(index, known, position));
    return position;
  }
}
