package dev.balanced.internal.topology;

import dev.balanced.events.NodeState;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A node's health as routing sees it, and the one place where it changes:
 *
 * <pre>
 *          cannot connect                         lag measured above max_replica_lag_ms
 *   UP ──────────────────▶ DOWN(since, retryAt)   UP ─────────────────────────────────▶ BEHIND(lag)
 *   UP ◀────────────────── DOWN                   UP ◀───────────────────────────────── BEHIND
 *        connected again                              lag measured within it again
 * </pre>
 *
 * Reachability and lag are measured apart (a connection attempt, the lag monitor), so a replica can
 * be down and behind at once; {@link #status()} then says {@code DOWN}. While down, one caller at a
 * time may claim a retry, every {@code retryNanos}. Time comes from the clock given, so tests can
 * move it instead of sleeping. Every transition is told to the {@link Listener}.
 */
public final class NodeHealth {
  /**
   * Told of every change of a node's {@link NodeState}, on the thread that caused it (a unit of
   * work, the lag monitor): it must be quick and must not throw.
   */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (node, from, to, lagMs) -> {};

    /**
     * @param lagMs the lag last measured, -1 before the first measurement
     */
    void changed(String node, NodeState from, NodeState to, long lagMs);
  }

  /** {@link #retryAt} of a reachable node. */
  private static final long REACHABLE = Long.MIN_VALUE;

  private final String node;
  private final LongSupplier nanoClock;
  private final long retryNanos;
  private final Listener listener;

  /**
   * The clock's time from which a down node may be tried again; {@link #REACHABLE} while it is up.
   * One atomic, so that of many callers only one gets the retry.
   */
  private final AtomicLong retryAt = new AtomicLong(REACHABLE);

  private volatile long downSinceNanos;

  /** Wall-clock time at which the node went down, for messages; meaningful while down. */
  private volatile long downSinceWallMillis;

  /** Wall-clock time of the last connection made, to the second; 0 before the first. */
  private volatile long lastReachedMillis;

  private volatile boolean behind;
  private volatile long lagMs = -1;

  NodeHealth(String node, LongSupplier nanoClock, long retryNanos, Listener listener) {
    this.node = node;
    this.nanoClock = nanoClock;
    this.retryNanos = retryNanos;
    this.listener = listener;
  }

  public NodeState status() {
    return isDown() ? NodeState.DOWN : behind ? NodeState.BEHIND : NodeState.UP;
  }

  public boolean isDown() {
    return retryAt.get() != REACHABLE;
  }

  public boolean isBehind() {
    return behind;
  }

  /** The lag last measured, in milliseconds; -1 before the first measurement. */
  public long lagMs() {
    return lagMs;
  }

  /** How long the node has been down, by the clock; meaningful while {@link #isDown()}. */
  public long nanosDown() {
    return nanoClock.getAsLong() - downSinceNanos;
  }

  /** The clock's time at which the node went down; meaningful while {@link #isDown()}. */
  public long downSinceNanos() {
    return downSinceNanos;
  }

  /** Wall-clock time at which the node went down; meaningful while {@link #isDown()}. */
  public long downSinceWallMillis() {
    return downSinceWallMillis;
  }

  /**
   * A connection was made at {@code wallMillis}. Written at most once a second: every unit of work
   * connects, and a write per connection would be contended between their threads.
   */
  void reachedAt(long wallMillis) {
    if (wallMillis - lastReachedMillis >= 1000) {
      lastReachedMillis = wallMillis;
    }
  }

  /** Wall-clock time of the last connection made, to within a second; 0 if none ever was. */
  public long lastReachedMillis() {
    return lastReachedMillis;
  }

  /**
   * The node could not be connected to: down, with its first retry one interval from now (a later
   * failure moves it on).
   *
   * @return whether it was up until now
   */
  boolean markDown() {
    NodeState before = status();
    long now = nanoClock.getAsLong();
    long previous = retryAt.getAndSet(now + retryNanos);
    if (previous != REACHABLE) {
      return false;
    }
    downSinceNanos = now;
    downSinceWallMillis = System.currentTimeMillis();
    changed(before);
    return true;
  }

  /**
   * A connection to the node was made: up again.
   *
   * @return whether it was down until now
   */
  boolean markUp() {
    if (retryAt.get() == REACHABLE || retryAt.getAndSet(REACHABLE) == REACHABLE) {
      return false;
    }
    changed(NodeState.DOWN);
    return true;
  }

  /**
   * For a down node: whether this caller may try it now. True for one caller once the retry is due;
   * the retry then moves one interval on, so that the others wait for its outcome.
   */
  boolean claimRetry() {
    long at = retryAt.get();
    if (at == REACHABLE) {
      return true;
    }
    long now = nanoClock.getAsLong();
    return now - at >= 0 && retryAt.compareAndSet(at, now + retryNanos);
  }

  /**
   * The lag monitor measured {@code lagMs}: behind while it is above {@code maxLagMs}.
   *
   * @return whether that changed whether the node is behind
   */
  boolean lagMeasured(long lagMs, int maxLagMs) {
    this.lagMs = lagMs;
    boolean nowBehind = lagMs > maxLagMs;
    if (nowBehind == behind) {
      return false;
    }
    NodeState before = status();
    behind = nowBehind;
    changed(before);
    return true;
  }

  private void changed(NodeState before) {
    NodeState after = status();
    if (after != before) {
      listener.changed(node, before, after, lagMs);
    }
  }

  @Override
  public String toString() {
    return status().toString();
  }
}
