package dev.balanced.testing.pg;

import java.util.stream.Collectors;

/**
 * Started in a separate JVM by {@link CleanupTest}: starts a cluster, prints one line describing
 * it, and waits to be killed.
 */
public final class ClusterInChildJvm {
  static final String READY = "CLUSTER-READY";

  private ClusterInChildJvm() {}

  public static void main(String[] args) throws InterruptedException {
    PgCluster cluster = PgCluster.start(PgClusterOptions.defaults().standbys(1));
    // READY <directory> <port> <port> ...
    System.out.println(
        READY
            + " "
            + cluster.directory()
            + " "
            + cluster.nodes().stream()
                .map(n -> Integer.toString(n.port()))
                .collect(Collectors.joining(" ")));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
