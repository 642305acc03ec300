package dev.balanced;

import static dev.balanced.Queries.insertItem;
import static dev.balanced.Queries.one;
import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code balanced.mode=strict}: writes of an unpinned connection are refused before they run. */
class StrictModeTest {
  private static final List<String> NODES = List.of("primary", "r1", "r2");
  private static final List<String> REPLICAS = List.of("r1", "r2");

  private TestCluster cluster;

  private BalancedDataSource start() {
    return start(Map.of("balanced.mode", "strict"));
  }

  private BalancedDataSource start(Map<String, String> settings) {
    cluster = TestCluster.start(settings, "r1", "r2");
    return cluster.dataSource;
  }

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private void assertNoItemAnywhere() {
    for (String node : NODES) {
      assertEquals(0, cluster.items(node), "rows on " + node);
    }
  }

  @Test
  void unpinnedPreparedInsertIsRefusedBeforeReachingAnyNode() throws Exception {
    try (Connection connection = start().getConnection()) {
      UnpinnedWriteException e =
          assertThrows(UnpinnedWriteException.class, () -> insertItem(connection, 1));

      assertTrue(e.getMessage().contains("insert into item"), e.getMessage());
      assertTrue(e.getOperation().contains("insert into item"), e.getOperation());
      assertTrue(e.getMessage().contains("pin()"), "says how to pin: " + e.getMessage());
      assertTrue(e.getMessage().contains("usingEngine(\"primary\")"), e.getMessage());
      assertFalse(e.getMessage().contains("item-1"), "no literal values in the message");
      assertFalse(session(connection).isPinned(), "a refused write does not pin");
    }
    assertNoItemAnywhere();
  }

  @Test
  void unpinnedPlainStatementInsertIsRefusedToo() throws Exception {
    try (Connection connection = start().getConnection();
        Statement statement = connection.createStatement()) {
      UnpinnedWriteException e =
          assertThrows(
              UnpinnedWriteException.class,
              () -> statement.executeUpdate("insert into item values (1, 'secret-value')"));
      assertTrue(e.getMessage().contains("insert into item"), e.getMessage());
      assertFalse(e.getMessage().contains("secret-value"), e.getMessage());

      assertTrue(REPLICAS.contains(servedBy(connection)), "the connection still reads");
    }
    assertNoItemAnywhere();
  }

  @Test
  void refusedSequenceCallConsumesNoValue() throws Exception {
    try (Connection connection = start().getConnection()) {
      assertThrows(
          UnpinnedWriteException.class, () -> one(connection, "select next value for node_seq"));
      session(connection).pin();
      assertEquals(1000L, ((Number) one(connection, "select next value for node_seq")).longValue());
    }
  }

  @Test
  void lockingReadIsRefusedWhileUnpinned() throws Exception {
    try (Connection connection = start().getConnection()) {
      assertThrows(
          UnpinnedWriteException.class,
          () -> one(connection, "select node from marker for update"));
    }
  }

  @Test
  void plainReadsWorkUnpinned() throws Exception {
    try (Connection connection = start().getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(connection)));
    }
  }

  @Test
  void insertSucceedsAfterPin() throws Exception {
    try (Connection connection = start().getConnection()) {
      assertThrows(UnpinnedWriteException.class, () -> insertItem(connection, 1));
      session(connection).pin();
      insertItem(connection, 1);
      assertEquals("primary", servedBy(connection));
    }
    assertEquals(1, cluster.items("primary"));
    assertEquals(0, cluster.items("r1") + cluster.items("r2"));
  }

  @Test
  void insertInsideAPrimaryScopeSucceedsWithoutPinning() throws Exception {
    try (Connection connection = start().getConnection()) {
      BalancedSession session = session(connection);
      String replica = servedBy(connection);
      try (BalancedSession.Scope primary = session.usingEngine("primary")) {
        insertItem(connection, 1);
      }
      assertFalse(session.isPinned());
      assertEquals(replica, servedBy(connection), "reads go back to the replica after the scope");
    }
    assertEquals(1, cluster.items("primary"));
    assertEquals(0, cluster.items("r1") + cluster.items("r2"));
  }

  @Test
  void afterAPrimaryScopeClosesUnpinnedWritesAreRefusedAgain() throws Exception {
    try (Connection connection = start().getConnection()) {
      try (BalancedSession.Scope primary = session(connection).usingEngine("primary")) {
        insertItem(connection, 1);
      }
      assertThrows(UnpinnedWriteException.class, () -> insertItem(connection, 2));
    }
    assertEquals(1, cluster.items("primary"));
  }

  @Test
  void writesInsideReplicaScopesAreStillRefused() throws Exception {
    try (Connection connection = start().getConnection()) {
      BalancedSession session = session(connection);
      try (BalancedSession.Scope replica = session.usingEngine("r1")) {
        assertThrows(UnpinnedWriteException.class, () -> insertItem(connection, 1));
      }
      try (BalancedSession.Scope replica = session.usingReplica()) {
        assertThrows(UnpinnedWriteException.class, () -> insertItem(connection, 2));
      }
    }
    assertNoItemAnywhere();
  }

  @Test
  void replicaScopeIsNoWriteApprovalEvenWhenReplicasAreDisabled() throws Exception {
    try (Connection connection =
        start(Map.of("balanced.mode", "strict", "balanced.enabled", "false")).getConnection()) {
      try (BalancedSession.Scope replica = session(connection).usingEngine("r1")) {
        assertEquals("primary", servedBy(connection));
        assertThrows(UnpinnedWriteException.class, () -> insertItem(connection, 1));
      }
    }
    assertNoItemAnywhere();
  }

  @Test
  void aPinOfTheContextAllowsWritesInLaterConnections() throws Exception {
    BalancedDataSource dataSource = start();
    try (PinningContext context = PinningContext.open()) {
      try (Connection first = dataSource.getConnection()) {
        session(first).pin();
      }
      try (Connection second = dataSource.getConnection()) {
        insertItem(second, 1);
      }
    }
    try (Connection outside = dataSource.getConnection()) {
      assertThrows(UnpinnedWriteException.class, () -> insertItem(outside, 2));
    }
    assertEquals(1, cluster.items("primary"));
  }

  @Test
  void greedyModeIsTheDefault() throws Exception {
    try (Connection connection = start(Map.of()).getConnection()) {
      insertItem(connection, 1);
      assertTrue(session(connection).isPinned());
    }
    assertEquals(1, cluster.items("primary"));
  }
}
