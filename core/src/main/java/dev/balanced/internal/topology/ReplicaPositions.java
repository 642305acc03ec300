package dev.balanced.internal.topology;

import dev.balanced.internal.position.PositionSource;
import dev.balanced.internal.position.ReplicationPosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far each replica has applied the primary's changes (WAL or GTID position), for everyone who
 * asks: the lag monitor and read-your-writes by position share one cache and one question per
 * replica, so a replica asked by one is not asked again by the other within its interval.
 *
 * <p>Positions only grow, so a cached position that already reaches what a reader needs settles the
 * question without a round trip; only a replica that looks behind is asked again, and at most once
 * per {@code lsn_refresh_ms}: under load, every unit of work after a recent write finds the
 * replicas behind, and asking each time would cost a pooled connection and a round trip per replica
 * per unit of work.
 */
public final class ReplicaPositions {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.consistency");

  /** How positions are read; null when nothing needs them (then nobody asks). */
  private final PositionSource source;

  /** The furthest position each replica was seen at: what a reader may rely on. */
  private final AtomicReferenceArray<ReplicationPosition> furthest;

  /** Each replica's last answer as it was: none once it is no longer a standby (promoted). */
  private final AtomicReferenceArray<ReplicationPosition> latest;

  /** The clock's time at which each replica was last asked, and last answered. */
  private final AtomicLongArray askedAt;

  private final AtomicLongArray answeredAt;

  private final LongSupplier nanoClock;

  private final Timelines timelines;

  /** Per node: round trips made for its position, and questions the cache answered instead. */
  private final LongAdder[] asks;

  private final LongAdder[] cacheAnswers;

  ReplicaPositions(
      int nodeCount, PositionSource source, LongSupplier nanoClock, Timelines timelines) {
    this.source = source;
    this.timelines = timelines;
    this.asks = new LongAdder[nodeCount];
    this.cacheAnswers = new LongAdder[nodeCount];
    for (int i = 0; i < nodeCount; i++) {
      asks[i] = new LongAdder();
      cacheAnswers[i] = new LongAdder();
    }
    this.furthest = new AtomicReferenceArray<>(nodeCount);
    this.latest = new AtomicReferenceArray<>(nodeCount);
    this.askedAt = new AtomicLongArray(nodeCount);
    this.answeredAt = new AtomicLongArray(nodeCount);
    this.nanoClock = nanoClock;
    long never = nanoClock.getAsLong() - Long.MAX_VALUE / 2;
    for (int i = 0; i < nodeCount; i++) {
      askedAt.set(i, never);
      answeredAt.set(i, never);
      furthest.set(i, ReplicationPosition.NONE);
      latest.set(i, ReplicationPosition.NONE);
    }
  }

  /** How positions are read, or null when nothing needs them. */
  public PositionSource source() {
    return source;
  }

  /**
   * The furthest position {@code node} was seen to have applied, none if never; a question the
   * cache answers without a round trip.
   */
  public ReplicationPosition cached(Node node) {
    cacheAnswers[node.index()].increment();
    return furthest.get(node.index());
  }

  /** The latest timeline seen, which every position read here adds to. */
  public Timelines timelines() {
    return timelines;
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
  public ReplicationPosition refresh(Node node, long intervalNanos) {
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
   * @return the position as the replica reported it: none when it is not a standby
   * @throws SQLException when it cannot be asked; what was known stays
   */
  ReplicationPosition latest(Node node, long maxAgeNanos, int timeoutMs) throws SQLException {
    int index = node.index();
    if (nanoClock.getAsLong() - answeredAt.get(index) < maxAgeNanos) {
      cacheAnswers[index].increment();
      return latest.get(index);
    }
    askedAt.set(index, nanoClock.getAsLong());
    return ask(node, timeoutMs);
  }

  private ReplicationPosition ask(Node node, int timeoutMs) throws SQLException {
    asks[node.index()].increment();
    ReplicationPosition position;
    try (Connection connection = node.connect()) {
      if (timeoutMs > 0) {
        connection.setNetworkTimeout(Runnable::run, timeoutMs);
      }
      position = timelines.saw(source.applied(connection));
    }
    int index = node.index();
    latest.set(index, position);
    answeredAt.set(index, nanoClock.getAsLong());
    ReplicationPosition known;
    ReplicationPosition next;
    do {
      known = furthest.get(index);
      next = known.furthest(position);
      if (next == known) {
        break;
      }
    } while (!furthest.compareAndSet(index, known, next));
    return position;
  }
}
