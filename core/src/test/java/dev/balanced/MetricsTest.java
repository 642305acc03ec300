package dev.balanced;

import static dev.balanced.Queries.servedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.balanced.events.NodeState;
import dev.balanced.events.NodeStatus;
import dev.balanced.metrics.BalancedMetrics;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.H2Nodes;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each metric counts what a user did, in a real registry. */
class MetricsTest {
  private static final String SECRET = "metrics-test-secret-of-32-chars-or-more!";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TestCluster cluster;

  private void start(Map<String, ?> extra) {
    Map<String, Object> settings = new HashMap<>(extra);
    settings.put("balanced.listeners", new BalancedMetrics(registry));
    cluster = TestCluster.start(settings, "r1", "r2");
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    registry.close();
  }

  private double count(String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void unitsOfWorkAreCountedByNodeAndReason() throws Exception {
    start(Map.of());
    for (int i = 0; i < 4; i++) {
      try (Connection connection = cluster.dataSource.getConnection()) {
        servedBy(connection);
      }
    }
    double onReplicas =
        count("balanced.units.of.work", "node", "r1", "reason", "selector")
            + count("balanced.units.of.work", "node", "r2", "reason", "selector");
    assertEquals(4, onReplicas);
    try (PinningContext context = PinningContext.open()) {
      context.pin();
      try (Connection connection = cluster.dataSource.getConnection()) {
        servedBy(connection);
      }
    }
    assertEquals(1, count("balanced.units.of.work", "node", "primary", "reason", "pin"));
    assertEquals(1, count("balanced.pins", "kind", "pin()", "operation", "none"));
  }

  @Test
  void writesCountPinsAndSwitches() throws Exception {
    start(Map.of());
    try (PinningContext context = PinningContext.open();
        Connection connection = cluster.dataSource.getConnection()) {
      String replica = servedBy(connection);
      Queries.insertItem(connection, 1);
      assertEquals(1, count("balanced.switches", "from", replica, "operation", "sql"));
    }
    assertEquals(1, count("balanced.pins", "kind", "write intent", "operation", "sql"));
  }

  @Test
  void strictRefusalsAreCounted() throws Exception {
    start(Map.of("balanced.mode", "strict"));
    try (Connection connection = cluster.dataSource.getConnection()) {
      assertThrows(UnpinnedWriteException.class, () -> Queries.insertItem(connection, 1));
    }
    assertEquals(1, count("balanced.refusals", "operation", "sql"));
  }

  @Test
  void tokensAreCountedByOutcome() throws Exception {
    start(Map.of("balanced.consistency", "time", "balanced.token_secret", SECRET));
    String token;
    try (PinningContext context = PinningContext.open()) {
      try (Connection connection = cluster.dataSource.getConnection()) {
        Queries.insertItem(connection, 1);
      }
      token = context.token();
    }
    for (String carried : List.of(token, token, "garbage")) {
      try (PinningContext next = PinningContext.open(carried);
          Connection connection = cluster.dataSource.getConnection()) {
        servedBy(connection);
      }
    }
    assertEquals(2, count("balanced.tokens", "outcome", "honoured, primary"));
    assertEquals(1, count("balanced.tokens", "outcome", "ignored, malformed"));
  }

  @Test
  void nodesArePooledAndGaugedPerNode() throws Exception {
    start(Map.of());
    for (String node : List.of("primary", "r1", "r2")) {
      assertEquals(1.0, registry.get("balanced.node.up").tag("node", node).gauge().value(), node);
      assertNotNull(
          registry
              .find("hikaricp.connections")
              .tag("pool", "balanced-" + node)
              .tag("node", node)
              .tag("role", node.equals("primary") ? "primary" : "replica")
              .gauge(),
          "HikariCP's own metrics of " + node + "'s pool, tagged with the node and its role");
    }
    assertEquals(
        "primary",
        registry.get("balanced.node.up").tag("role", "primary").gauge().getId().getTag("node"));
    assertEquals(-1.0, registry.get("balanced.node.lag").tag("node", "r1").gauge().value());
  }

  @Test
  void anOutageIsCountedAndShown() throws Exception {
    try (CapturedLog log = CapturedLog.start();
        H2Nodes nodes = H2Nodes.start("r1")) {
      nodes.execute("r1", "SHUTDOWN"); // gone, and IFEXISTS keeps the pool from recreating it
      Map<String, Object> settings = new HashMap<>(nodes.settings("balanced."));
      settings.put("balanced.replicas.r1.url", nodes.url("r1") + ";IFEXISTS=TRUE");
      settings.put("balanced.replicas.r1.hikari.initializationFailTimeout", "-1");
      settings.put("balanced.replicas.r1.hikari.connectionTimeout", "250");
      settings.put("balanced.listeners", new BalancedMetrics(registry));
      try (BalancedDataSource dataSource = BalancedDataSource.fromProperties(settings);
          Connection connection = dataSource.getConnection()) {
        assertEquals("primary", servedBy(connection));
        assertEquals(1, count("balanced.node.transitions", "node", "r1", "to", "down"));
        assertEquals(
            0.0, registry.get("balanced.node.up").tag("node", "r1").gauge().value(), "down");
        NodeStatus r1 = dataSource.health().get(1);
        assertEquals(NodeState.DOWN, r1.state());
        assertNotNull(r1.downSince());
        assertNotNull(r1.lastError(), "why it is down");
        assertEquals(
            1, count("balanced.units.of.work", "node", "primary", "reason", "replica unreachable"));
      }
      // Key-values for JSON encoders; slf4j-simple writes them before the readable message.
      log.assertLine("node=r1", "state=down", "replica r1 cannot be reached");
    }
  }

  @Test
  void metricsTrueRecordsInTheGlobalRegistry() throws Exception {
    Metrics.addRegistry(registry);
    try {
      cluster = TestCluster.start(Map.of("balanced.metrics", "true"), "r1");
      try (Connection connection = cluster.dataSource.getConnection()) {
        servedBy(connection);
      }
      assertEquals(1, count("balanced.units.of.work", "node", "r1", "reason", "selector"));
    } finally {
      Metrics.removeRegistry(registry);
    }
  }
}
