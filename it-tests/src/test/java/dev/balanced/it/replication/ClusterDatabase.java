package dev.balanced.it.replication;

import dev.balanced.testing.ClusterNode;
import dev.balanced.testing.ReplicatedCluster;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ReplicatedDatabase} on a test cluster: the nodes and their control come from the
 * cluster; a subclass says how this database and driver are reached and queried.
 *
 * @param <N> the cluster's node type
 */
abstract class ClusterDatabase<N extends ClusterNode> implements ReplicatedDatabase {
  private final ReplicatedCluster<N> cluster;

  ClusterDatabase(ReplicatedCluster<N> cluster) {
    this.cluster = cluster;
  }

  /** The node's JDBC URL for the driver in use. */
  abstract String url(N node);

  @Override
  public Map<String, Object> balancedSettings() {
    N primary = cluster.primary();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("hibernate.balanced.primary.url", url(primary));
    settings.put("hibernate.balanced.primary.username", primary.user());
    if (primary.password() != null) {
      settings.put("hibernate.balanced.primary.password", primary.password());
    }
    for (N replica : cluster.replicas()) {
      settings.put("hibernate.balanced.replicas." + replica.name() + ".url", url(replica));
    }
    return settings;
  }

  @Override
  public List<String> replicaNames() {
    return cluster.replicas().stream().map(ClusterNode::name).toList();
  }

  @Override
  public int port(String node) {
    return node(node).port();
  }

  @Override
  public void awaitReplicas() {
    cluster.waitForReplay(Duration.ofSeconds(30));
  }

  @Override
  public void pauseReplay(String replica) {
    cluster.pauseReplay(node(replica));
  }

  @Override
  public void resumeReplay(String replica) {
    cluster.resumeReplay(node(replica));
  }

  @Override
  public void stop(String node) {
    cluster.stop(node(node));
  }

  @Override
  public void start(String node) {
    cluster.start(node(node));
  }

  private N node(String name) {
    return cluster.nodes().stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }
}
