package dev.balanced;

import static dev.balanced.Queries.one;
import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code write_functions} as a {@link BalancedDataSource} reads it: a query calling a declared
 * function is a write. The H2 "function" here is an alias of {@code Math.abs}; what it does does
 * not matter, where it runs does.
 */
class WriteFunctionsRoutingTest {
  private TestCluster cluster;

  private Connection connect(Map<String, String> settings) throws Exception {
    cluster = TestCluster.start(settings, "r1");
    cluster.nodes.executeEverywhere(
        "create alias archive_order for 'java.lang.Math.abs(long)'",
        "create schema app",
        "create alias app.bump_counter for 'java.lang.Math.abs(long)'");
    return cluster.dataSource.getConnection();
  }

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aCallToADeclaredFunctionRunsOnThePrimaryAndPins() throws Exception {
    try (Connection connection =
        connect(Map.of("balanced.write_functions", "archive_order, app.bump_counter"))) {
      assertEquals("r1", servedBy(connection));
      assertEquals(42L, ((Number) one(connection, "select archive_order(-42)")).longValue());
      assertTrue(session(connection).isPinned());
      assertEquals("primary", servedBy(connection));
    }
    try (Connection connection = cluster.dataSource.getConnection()) {
      one(connection, "select APP.BUMP_COUNTER(-1)");
      assertTrue(session(connection).isPinned());
    }
  }

  @Test
  void withoutTheDeclarationTheCallIsARead() throws Exception {
    try (Connection connection = connect(Map.of())) {
      one(connection, "select archive_order(-42)");
      one(connection, "select app.bump_counter(-1)");
      assertFalse(session(connection).isPinned());
      assertEquals("r1", servedBy(connection));
    }
  }

  @Test
  void strictModeRefusesAnUnpinnedCall() throws Exception {
    try (Connection connection =
        connect(Map.of("balanced.write_functions", "archive_order", "balanced.mode", "strict"))) {
      assertThrows(UnpinnedWriteException.class, () -> one(connection, "select archive_order(1)"));
      session(connection).pin();
      assertEquals(1L, ((Number) one(connection, "select archive_order(1)")).longValue());
    }
  }
}
