package dev.balanced.internal.topology;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.balanced.internal.consistency.Lsn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code replica_lag_check_ms}, on a daemon thread of its own, reads the primary's WAL
 * position and each replica's replay position, and tells each replica how far behind it is ({@link
 * Node#lagMeasured}). A replica that cannot be measured keeps its last verdict; one known to be
 * unreachable, or whose connections are all in use, is not asked, which would wait out its pool's
 * connection timeout.
 */
final class ReplicaLagMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.topology");

  /** What a standby can have: WAL the primary has flushed. */
  private static final String PRIMARY_POSITION = "select pg_current_wal_flush_lsn()::text";

  private static final String REPLAY_POSITION = "select pg_last_wal_replay_lsn()::text";

  private final Node primary;
  private final List<Node> replicas;
  private final int maxLagMs;
  private final int readTimeoutMs;
  private final WalTimeline timeline;
  private final ScheduledExecutorService thread;

  private final long checkNanos;

  /** {@link System#nanoTime()} of the last reading of the primary's position. */
  private long primaryObservedAt;

  /** Whether the last reading of the primary failed: logged at WARN once, not every check. */
  private boolean primaryFailing;

  /** Replicas whose last reading failed: logged at WARN once, not every check. */
  private final Set<Node> unreadable = new HashSet<>();

  private ReplicaLagMonitor(Node primary, List<Node> replicas, int maxLagMs, int checkMs) {
    this.primary = primary;
    this.replicas = List.copyOf(replicas);
    this.maxLagMs = maxLagMs;
    this.checkNanos = TimeUnit.MILLISECONDS.toNanos(checkMs);
    // A server that stops answering mid-query must not stop the measuring of the others for good.
    this.readTimeoutMs = Math.max(1000, 2 * checkMs);
    this.timeline = new WalTimeline(TimeUnit.MILLISECONDS.toNanos(maxLagMs + 2L * checkMs));
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            work -> {
              Thread daemon = new Thread(work, "balanced-replica-lag");
              daemon.setDaemon(true);
              return daemon;
            });
    thread.scheduleWithFixedDelay(this::checkSafely, 0, checkMs, TimeUnit.MILLISECONDS);
  }

  static ReplicaLagMonitor start(Node primary, List<Node> replicas, int maxLagMs, int checkMs) {
    return new ReplicaLagMonitor(primary, replicas, maxLagMs, checkMs);
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
      if (replica.isUnreachable() || allInUse(replica)) {
        continue;
      }
      // Reading the replicas before may have taken a while (a pool waiting for a connection): lag
      // measured against an older position of the primary would come out short by that much.
      if (System.nanoTime() - primaryObservedAt > checkNanos && !observePrimary()) {
        return;
      }
      try {
        String replay = position(replica, REPLAY_POSITION);
        // Null: not a standby (promoted, or not replicating by WAL); nothing to be behind on.
        long lagNanos =
            replay == null ? 0 : timeline.lagNanos(System.nanoTime(), Lsn.parse(replay));
        replica.lagMeasured(TimeUnit.NANOSECONDS.toMillis(lagNanos), maxLagMs);
        unreadable.remove(replica);
      } catch (SQLException | IllegalArgumentException e) {
        if (unreadable.add(replica)) {
          LOG.warn(
              "cannot read the replay position of replica {}, which keeps its last verdict"
                  + " ({}) until it can be: {}",
              replica.name(),
              replica.isBehind() ? "behind" : "not behind",
              e.getMessage());
        }
      }
    }
  }

  /**
   * Whether every connection of the node's pool is in use: taking one would keep the monitor
   * waiting up to the pool's connectionTimeout, and every other replica unmeasured meanwhile. Such
   * a node is measured at a later check.
   */
  private static boolean allInUse(Node node) {
    HikariPoolMXBean state = node.pool().getHikariPoolMXBean();
    return state != null
        && state.getIdleConnections() == 0
        && state.getTotalConnections() >= node.pool().getMaximumPoolSize();
  }

  /** Reads the primary's position into the timeline; whether that worked. */
  private boolean observePrimary() {
    if (allInUse(primary)) {
      return false;
    }
    try {
      String position = position(primary, PRIMARY_POSITION);
      primaryObservedAt = System.nanoTime();
      timeline.observe(primaryObservedAt, Lsn.parse(String.valueOf(position)));
      primaryFailing = false;
      return true;
    } catch (SQLException | IllegalArgumentException e) {
      if (!primaryFailing) {
        LOG.warn(
            "cannot read the primary's WAL position, so replica lag is not measured until it can"
                + " be; replicas keep their last verdicts: {}",
            e.getMessage());
      }
      primaryFailing = true;
      return false;
    }
  }

  private String position(Node node, String query) throws SQLException {
    try (Connection connection = node.connect()) {
      connection.setNetworkTimeout(Runnable::run, readTimeoutMs);
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery(query)) {
        return rs.next() ? rs.getString(1) : null;
      }
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
