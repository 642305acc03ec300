package dev.balanced.testing.process;

import dev.balanced.testing.mariadb.MariaCluster;
import dev.balanced.testing.mariadb.MariaClusterOptions;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgClusterOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Started in a separate JVM by the cleanup tests: starts a cluster ({@code pg} or {@code mariadb},
 * the first argument) with one replica, prints one line describing it, and waits to be killed.
 */
public final class ClusterInChildJvm {
  static final String READY = "CLUSTER-READY";

  private ClusterInChildJvm() {}

  public static void main(String[] args) throws InterruptedException {
    Path directory;
    List<Integer> ports;
    if (args[0].equals("mariadb")) {
      MariaCluster cluster = MariaCluster.start(MariaClusterOptions.defaults().replicas(1));
      directory = cluster.directory();
      ports = cluster.nodes().stream().map(n -> n.port()).toList();
    } else {
      PgCluster cluster = PgCluster.start(PgClusterOptions.defaults().standbys(1));
      directory = cluster.directory();
      ports = cluster.nodes().stream().map(n -> n.port()).toList();
    }
    // READY <directory> <port> <port> ...
    System.out.println(
        READY
            + " "
            + directory
            + " "
            + ports.stream().map(String::valueOf).collect(Collectors.joining(" ")));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
