package dev.balanced.it.replication;

import dev.balanced.testing.mariadb.MariaCluster;
import dev.balanced.testing.mariadb.MariaNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** MariaDB primary and GTID replicas of a {@link MariaCluster}, through one of two drivers. */
public final class MariaDatabase implements ReplicatedDatabase {
  /** The JDBC drivers applications use against MariaDB. */
  public enum Driver {
    /** {@code org.mariadb.jdbc:mariadb-java-client}: {@code jdbc:mariadb:} URLs. */
    MARIADB,
    /**
     * {@code com.mysql:mysql-connector-j}: {@code jdbc:mysql:} URLs. It reports the server as
     * "MySQL" 5.5.5; Balanced still gives Hibernate the MariaDB dialect for the real version.
     */
    CONNECTOR_J
  }

  private final MariaCluster cluster;
  private final Driver driver;

  public MariaDatabase(MariaCluster cluster, Driver driver) {
    this.cluster = cluster;
    this.driver = driver;
  }

  @Override
  public String describe() {
    return "MariaDB (" + (driver == Driver.MARIADB ? "MariaDB driver" : "MySQL Connector/J") + ")";
  }

  /** The node's JDBC URL for this driver. */
  public String url(MariaNode node) {
    return driver == Driver.MARIADB ? node.jdbcUrl() : node.mysqlJdbcUrl();
  }

  @Override
  public Map<String, Object> balancedSettings() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("hibernate.balanced.primary.url", url(cluster.primary()));
    settings.put("hibernate.balanced.primary.username", MariaNode.USER);
    settings.put("hibernate.balanced.primary.password", MariaNode.PASSWORD);
    for (MariaNode replica : cluster.replicas()) {
      settings.put("hibernate.balanced.replicas." + replica.name() + ".url", url(replica));
    }
    return settings;
  }

  @Override
  public List<String> replicaNames() {
    return cluster.replicas().stream().map(MariaNode::name).toList();
  }

  @Override
  public int port(String node) {
    return node(node).port();
  }

  @Override
  public String servingPortQuery() {
    return "select @@port";
  }

  @Override
  public String onReplicaQuery() {
    return "select @@read_only";
  }

  @Override
  public String nextValueQuery(String sequence) {
    return "select next value for " + sequence;
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

  private MariaNode node(String name) {
    return cluster.nodes().stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }
}
