package dev.balanced.it.pg;

import dev.balanced.it.replication.BalancedFactory;
import dev.balanced.it.replication.PostgresDatabase;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import jakarta.persistence.EntityManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link BalancedFactory} over a {@link PgCluster}, with the PostgreSQL-only helpers of the tests
 * that exercise what only PostgreSQL has (WAL positions, its functions, its settings).
 */
final class PgBalanced extends BalancedFactory {
  final PgCluster cluster;

  private PgBalanced(PgCluster cluster, Map<String, Object> extraSettings) {
    super(new PostgresDatabase(cluster), extraSettings);
    this.cluster = cluster;
  }

  private PgBalanced(
      PgCluster cluster, Map<String, Object> nodeSettings, Map<String, Object> extraSettings) {
    super(new PostgresDatabase(cluster), nodeSettings, "hibernate.balanced.nodes.", extraSettings);
    this.cluster = cluster;
  }

  static PgBalanced start(PgCluster cluster, Map<String, Object> extraSettings) {
    return new PgBalanced(cluster, extraSettings);
  }

  /**
   * With {@code topology=discover}: every server of the cluster listed under {@code nodes.}, named
   * as in the cluster except the primary, which is {@code origin} (Balanced keeps "primary" for
   * whichever node is the primary).
   */
  static PgBalanced discovering(PgCluster cluster, Map<String, Object> extraSettings) {
    Map<String, Object> nodes = new LinkedHashMap<>();
    nodes.put("hibernate.balanced.topology", "discover");
    nodes.put("hibernate.balanced.nodes.username", PgNode.USER);
    for (PgNode node : cluster.nodes()) {
      nodes.put("hibernate.balanced.nodes." + nodeName(node) + ".url", node.jdbcUrl());
    }
    return new PgBalanced(cluster, nodes, extraSettings);
  }

  /** The name a node has under {@code nodes.}. */
  static String nodeName(PgNode node) {
    return node.name().equals("primary") ? "origin" : node.name();
  }

  /** The port of the server that serves this entity manager's next read. */
  static int servingPort(EntityManager em) {
    return ((Number) em.createNativeQuery("select inet_server_port()").getSingleResult())
        .intValue();
  }

  /** Whether this entity manager's next read is served by a standby. */
  static boolean readsFromStandby(EntityManager em) {
    return (Boolean) em.createNativeQuery("select pg_is_in_recovery()").getSingleResult();
  }

  /** The node with this port. */
  PgNode node(int port) {
    return cluster.nodes().stream()
        .filter(n -> n.port() == port)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node on port " + port));
  }
}
