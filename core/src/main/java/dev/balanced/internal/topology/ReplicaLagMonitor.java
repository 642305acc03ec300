package dev.balanced.internal.topology;

import dev.balanced.internal.position.ReplicationPosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code replica_lag_check_ms}, on a daemon thread of its own, reads the primary's position
 * and each replica's (WAL on PostgreSQL, GTID on MariaDB), and tells each replica how far behind it
 * is ({@link Node#lagMeasured}). A replica that cannot be measured keeps its last verdict; one
 * known to be unreachable, or whose connections are all in use, is not asked, which would wait out
 * its pool's connection timeout and leave every other replica unmeasured meanwhile.
 */
final class ReplicaLagMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.topology");

  private final Node primary;
  private final List<Node> replicas;
  private final ReplicaPositions positions;
  private final LongSupplier nanoClock;
  private final int maxLagMs;
  private final int readTimeoutMs;
  private final PositionTimeline timeline;
  private final ScheduledExecutorService thread;

  private final long checkNanos;

  /** The clock's time of the last reading of the primary's position. */
  private long primaryObservedAt;

  /** Whether the last reading of the primary failed: logged at WARN once, not every check. */
  private boolean primaryFailing;

  /** Replicas whose last reading failed: logged at WARN once, not every check. */
  private final Set<Node> unreadable = new HashSet<>();

  private ReplicaLagMonitor(
      Node primary,
      List<Node> replicas,
      ReplicaPositions positions,
      LongSupplier nanoClock,
      int maxLagMs,
      int checkMs) {
    this.primary = primary;
    this.replicas = List.copyOf(replicas);
    this.positions = positions;
    this.nanoClock = nanoClock;
    this.maxLagMs = maxLagMs;
    this.checkNanos = TimeUnit.MILLISECONDS.toNanos(checkMs);
    // A server that stops answering mid-query must not stop the measuring of the others for good.
    this.readTimeoutMs = Math.max(1000, 2 * checkMs);
    this.timeline = new PositionTimeline(TimeUnit.MILLISECONDS.toNanos(maxLagMs + 2L * checkMs));
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            work -> {
              Thread daemon = new Thread(work, "balanced-replica-lag");
              daemon.setDaemon(true);
              return daemon;
            });
    thread.scheduleWithFixedDelay(this::checkSafely, 0, checkMs, TimeUnit.MILLISECONDS);
  }

  static ReplicaLagMonitor start(
      Node primary,
      List<Node> replicas,
      ReplicaPositions positions,
      LongSupplier nanoClock,
      int maxLagMs,
      int checkMs) {
    return new ReplicaLagMonitor(primary, replicas, positions, nanoClock, maxLagMs, checkMs);
  }

  /** A task that throws is not run again by its executor. */
  private void checkSafely() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.warn("replica lag check failed: {}", e.toString());
    }
  }

  private void check() {
    if (!observePrimary()) {
      return;
    }
    for (Node replica : replicas) {
      if (replica.isUnreachable() || replica.allConnectionsInUse()) {
        continue;
      }
      // Reading the replicas before may have taken a while (a pool waiting for a connection): lag
      // measured against an older position of the primary would come out short by that much.
      if (nanoClock.getAsLong() - primaryObservedAt > checkNanos && !observePrimary()) {
        return;
      }
      try {
        // Read-your-writes may have asked the replica moments ago: its answer saves a round trip.
        ReplicationPosition applied = positions.latest(replica, checkNanos / 2, readTimeoutMs);
        // None: not a standby (a promoted PostgreSQL server); nothing to be behind on.
        long lagNanos = applied.isNone() ? 0 : timeline.lagNanos(nanoClock.getAsLong(), applied);
        replica.lagMeasured(TimeUnit.NANOSECONDS.toMillis(lagNanos), maxLagMs);
        unreadable.remove(replica);
      } catch (SQLException | IllegalArgumentException e) {
        if (unreadable.add(replica)) {
          LOG.warn(
              "cannot read the replication position of replica {}, which keeps its last verdict"
                  + " ({}) until it can be: {}",
              replica.name(),
              replica.isBehind() ? "behind" : "not behind",
              e.getMessage());
        }
      }
    }
  }

  /**
   * Reads the primary's position into the timeline; whether that worked. A primary whose
   * connections are all in use is read at a later check, like such a replica.
   */
  private boolean observePrimary() {
    if (primary.allConnectionsInUse()) {
      return false;
    }
    try {
      ReplicationPosition flushed;
      try (Connection connection = primary.connect()) {
        connection.setNetworkTimeout(Runnable::run, readTimeoutMs);
        flushed = positions.timelines().saw(positions.source().primaryPosition(connection));
      }
      primaryObservedAt = nanoClock.getAsLong();
      timeline.observe(primaryObservedAt, flushed);
      primaryFailing = false;
      return true;
    } catch (SQLException | IllegalArgumentException e) {
      if (!primaryFailing) {
        LOG.warn(
            "cannot read the primary's replication position, so replica lag is not measured until it can"
                + " be; replicas keep their last verdicts: {}",
            e.getMessage());
      }
      primaryFailing = true;
      return false;
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      // A read under way is not interrupted; it ends within its network timeout.
      thread.awaitTermination(readTimeoutMs + 1000L, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
