package dev.balanced.testing;

import java.time.Duration;
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
  List<N> nodes();

  /** Blocks until every running replica has applied what the primary has written so far. */
  void waitForReplay(Duration timeout);

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
