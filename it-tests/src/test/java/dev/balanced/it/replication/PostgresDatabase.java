package dev.balanced.it.replication;

import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PostgreSQL primary and hot standbys of a {@link PgCluster}, through PgJDBC. */
public final class PostgresDatabase implements ReplicatedDatabase {
  private final PgCluster cluster;

  public PostgresDatabase(PgCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public String describe() {
    return "PostgreSQL";
  }

  @Override
  public Map<String, Object> balancedSettings() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("hibernate.balanced.primary.url", cluster.primary().jdbcUrl());
    settings.put("hibernate.balanced.primary.username", PgNode.USER);
    for (PgNode standby : cluster.standbys()) {
      settings.put("hibernate.balanced.replicas." + standby.name() + ".url", standby.jdbcUrl());
    }
    return settings;
  }

  @Override
  public List<String> replicaNames() {
    return cluster.standbys().stream().map(PgNode::name).toList();
  }

  @Override
  public int port(String node) {
    return node(node).port();
  }

  @Override
  public String servingPortQuery() {
    return "select inet_server_port()";
  }

  @Override
  public String onReplicaQuery() {
    return "select pg_is_in_recovery()";
  }

  @Override
  public String nextValueQuery(String sequence) {
    return "select nextval('" + sequence + "')";
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

  private PgNode node(String name) {
    return cluster.nodes().stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }
}
