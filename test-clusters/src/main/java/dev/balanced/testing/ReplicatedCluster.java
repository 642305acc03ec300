package dev.balanced.testing;

import dev.balanced.testing.process.ClusterException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What tests, benchmarks and demos need of a primary with replicas, whatever the database: {@link
 * dev.balanced.testing.pg.PgCluster} and {@link dev.balanced.testing.mariadb.MariaCluster}.
 *
 * @param <N> the cluster's node type
 */
public interface ReplicatedCluster<N extends ClusterNode> extends AutoCloseable {
  /** The primary, which takes writes. */
  N primary();

  /** The replicas (PostgreSQL: hot standbys), in order. */
  List<N> replicas();

  /** The primary, then the replicas. */
  default List<N> nodes() {
    List<N> nodes = new ArrayList<>();
    nodes.add(primary());
    nodes.addAll(replicas());
    return nodes;
  }

  /**
   * Blocks until the replica has applied what the primary has written so far (as of this call).
   *
   * @throws ClusterException on timeout, saying how far the replica got
   */
  void waitForReplay(N replica, Duration timeout);

  /** {@link #waitForReplay(ClusterNode, Duration)} for every running replica. */
  default void waitForReplay(Duration timeout) {
    for (N replica : replicas()) {
      if (replica.isRunning()) {
        waitForReplay(replica, timeout);
      }
    }
  }

  /** Makes the replica apply each transaction no sooner than {@code delay} after its commit. */
  void setApplyDelay(N replica, Duration delay);

  /** {@link #setApplyDelay(ClusterNode, Duration)} for every replica; all must be running. */
  default void setApplyDelay(Duration delay) {
    for (N replica : replicas()) {
      setApplyDelay(replica, delay);
    }
  }

  /** Makes the replica stop applying: it keeps the data as of now until resumed. */
  void pauseReplay(N replica);

  void resumeReplay(N replica);

  /** Stops one server cleanly; it keeps its port for {@link #start}. */
  void stop(N node);

  /** Starts a stopped server again on its port and waits until it replicates. */
  void start(N node);

  /** Stops every server and deletes the cluster's files. */
  @Override
  void close();
}
