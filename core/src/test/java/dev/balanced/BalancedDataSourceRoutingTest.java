package dev.balanced;

import static dev.balanced.Queries.insertItem;
import static dev.balanced.Queries.one;
import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where {@link BalancedDataSource} sends reads and writes, seen from the databases' contents. */
class BalancedDataSourceRoutingTest {
  private static final List<String> REPLICAS = List.of("r1", "r2");

  private TestCluster cluster;

  private BalancedDataSource start() {
    cluster = TestCluster.start();
    return cluster.dataSource;
  }

  private BalancedDataSource start(Map<String, String> settings, String... replicas) {
    cluster = TestCluster.start(settings, replicas);
    return cluster.dataSource;
  }

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void plainReadGoesToAReplica() throws Exception {
    try (Connection connection = start().getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(connection)), "read served by a replica");
      assertFalse(session(connection).isPinned());
    }
  }

  @Test
  void readsOfOneConnectionStayOnOneReplica() throws Exception {
    try (Connection connection = start().getConnection()) {
      String first = servedBy(connection);
      for (int i = 0; i < 10; i++) {
        assertEquals(first, servedBy(connection));
      }
      assertEquals(first, session(connection).currentEngine());
    }
  }

  @Test
  void preparedReadGoesToAReplica() throws Exception {
    try (Connection connection = start().getConnection();
        PreparedStatement read = connection.prepareStatement("select node from marker");
        ResultSet rs = read.executeQuery()) {
      assertTrue(rs.next());
      assertTrue(REPLICAS.contains(rs.getString(1)));
    }
  }

  @Test
  void preparedInsertLandsOnThePrimaryOnly() throws Exception {
    try (Connection connection = start().getConnection()) {
      insertItem(connection, 1);
    }
    assertEquals(1, cluster.items("primary"));
    assertEquals(0, cluster.items("r1"));
    assertEquals(0, cluster.items("r2"));
  }

  @Test
  void plainStatementInsertLandsOnThePrimaryOnly() throws Exception {
    try (Connection connection = start().getConnection();
        Statement statement = connection.createStatement()) {
      assertTrue(REPLICAS.contains(servedBy(connection)));
      assertEquals(1, statement.executeUpdate("insert into item values (1, 'one')"));
    }
    assertEquals(1, cluster.items("primary"));
    assertEquals(0, cluster.items("r1") + cluster.items("r2"));
  }

  @Test
  void readAfterAWriteInTheSameConnectionHitsThePrimary() throws Exception {
    try (Connection connection = start().getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(connection)));
      insertItem(connection, 1);

      assertTrue(session(connection).isPinned(), "the write pinned the connection");
      assertEquals("primary", session(connection).currentEngine());
      assertEquals("primary", servedBy(connection));
      assertEquals(
          1L,
          ((Number) one(connection, "select count(*) from item")).longValue(),
          "the connection reads its own write");
    }
  }

  @Test
  void aStatementObjectFollowsThePinToo() throws Exception {
    try (Connection connection = start().getConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet rs = statement.executeQuery("select node from marker")) {
        rs.next();
        assertTrue(REPLICAS.contains(rs.getString(1)));
      }
      statement.executeUpdate("insert into item values (1, 'one')");
      try (ResultSet rs = statement.executeQuery("select node from marker")) {
        rs.next();
        assertEquals("primary", rs.getString(1));
      }
    }
  }

  @Test
  void nextValueForASequenceIsAWriteAndRunsOnThePrimary() throws Exception {
    try (Connection connection = start().getConnection()) {
      long value = ((Number) one(connection, "select next value for node_seq")).longValue();
      assertEquals(1000, value, "the primary's sequence starts at 1000, the replicas' at 2000+");
      assertTrue(session(connection).isPinned(), "a sequence call pins like a write");
      assertEquals("primary", servedBy(connection));
    }
    assertEquals(
        2000L,
        ((Number) cluster.nodes.queryOne("r1", "select next value for node_seq")).longValue(),
        "the replica's sequence was not used");
  }

  @Test
  void selectForUpdateRunsOnThePrimary() throws Exception {
    try (Connection connection = start().getConnection()) {
      assertEquals("primary", one(connection, "select node from marker for update"));
      assertTrue(session(connection).isPinned());
    }
  }

  @Test
  void callableStatementsRunOnThePrimary() throws Exception {
    try (Connection connection = start().getConnection();
        CallableStatement call = connection.prepareCall("call next value for node_seq");
        ResultSet rs = call.executeQuery()) {
      assertTrue(rs.next());
      assertEquals(1000, rs.getLong(1));
    }
  }

  @Test
  void batchedInsertsRunOnThePrimary() throws Exception {
    try (Connection connection = start().getConnection();
        Statement statement = connection.createStatement()) {
      statement.addBatch("insert into item values (1, 'one')");
      statement.addBatch("insert into item values (2, 'two')");
      statement.addBatch("insert into item values (3, 'three')");
      assertEquals(3, statement.executeBatch().length);
    }
    assertEquals(3, cluster.items("primary"));
    assertEquals(0, cluster.items("r1") + cluster.items("r2"));
  }

  @Test
  void transactionThatReadsThenWritesCommitsTheWriteOnThePrimary() throws Exception {
    try (Connection connection = start().getConnection()) {
      connection.setAutoCommit(false);
      assertTrue(REPLICAS.contains(servedBy(connection)));
      insertItem(connection, 1);
      insertItem(connection, 2);
      assertEquals(0, cluster.items("primary"), "not visible to others before commit");

      connection.commit();

      assertEquals(2, cluster.items("primary"));
      assertEquals(0, cluster.items("r1") + cluster.items("r2"));
    }
  }

  @Test
  void rollbackDiscardsTheTransactionsWrites() throws Exception {
    try (Connection connection = start().getConnection()) {
      connection.setAutoCommit(false);
      assertTrue(REPLICAS.contains(servedBy(connection)));
      insertItem(connection, 1);

      connection.rollback();

      assertEquals(0, cluster.items("primary"));
      insertItem(connection, 2);
      connection.commit();
    }
    assertEquals(1, cluster.items("primary"), "the connection stays usable after a rollback");
    assertEquals(
        2, cluster.nodes.queryOne("primary", "select min(id) from item"), "only the committed row");
  }

  @Test
  void withoutReplicasEverythingRunsOnThePrimary() throws Exception {
    BalancedDataSource dataSource = start(Map.of());
    try (Connection connection = dataSource.getConnection()) {
      assertEquals("primary", servedBy(connection));
      assertEquals("primary", session(connection).currentEngine());
      try (BalancedSession.Scope replica = session(connection).usingReplica()) {
        assertEquals("primary", servedBy(connection));
      }
      insertItem(connection, 1);
      assertEquals("primary", servedBy(connection));
    }
    assertEquals(1, cluster.items("primary"));
  }

  @Test
  void disabledSendsEverythingToThePrimary() throws Exception {
    BalancedDataSource dataSource = start(Map.of("balanced.enabled", "false"), "r1", "r2");
    for (int i = 0; i < 10; i++) {
      try (Connection connection = dataSource.getConnection()) {
        assertEquals("primary", servedBy(connection));
        assertEquals("primary", session(connection).currentEngine());
      }
    }
    try (Connection connection = dataSource.getConnection()) {
      BalancedSession session = session(connection);
      try (BalancedSession.Scope replica = session.usingReplica()) {
        assertEquals("primary", servedBy(connection));
      }
      try (BalancedSession.Scope named = session.usingEngine("r1")) {
        assertEquals(
            "primary", servedBy(connection), "a configured replica name means the primary");
      }
      insertItem(connection, 1);
    }
    assertEquals(1, cluster.items("primary"));
    assertEquals(0, cluster.items("r1") + cluster.items("r2"));
  }

  @Test
  void disabledStillRejectsUnknownEngineNames() throws Exception {
    BalancedDataSource dataSource = start(Map.of("balanced.enabled", "false"), "r1");
    try (Connection connection = dataSource.getConnection()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> session(connection).usingEngine("r9"));
      assertTrue(e.getMessage().contains("r1"), e.getMessage());
    }
  }

  @Test
  void eachConnectionWithoutAContextIsItsOwnUnitOfWork() throws Exception {
    BalancedDataSource dataSource = start();
    try (Connection writer = dataSource.getConnection();
        Connection reader = dataSource.getConnection()) {
      insertItem(writer, 1);
      assertEquals("primary", servedBy(writer));

      assertFalse(session(reader).isPinned());
      assertTrue(REPLICAS.contains(servedBy(reader)));
    }
    try (Connection later = dataSource.getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(later)), "a pin ends with its connection");
    }
  }

  @Test
  void readsSpreadOverBothReplicasAcrossConnections() throws Exception {
    BalancedDataSource dataSource = start();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      try (Connection connection = dataSource.getConnection()) {
        seen.add(servedBy(connection));
      }
    }
    assertEquals(Set.copyOf(REPLICAS), seen);
  }

  @Test
  void perCallCredentialsAreRefused() {
    BalancedDataSource dataSource = start();
    assertThrows(SQLFeatureNotSupportedException.class, () -> dataSource.getConnection("sa", ""));
  }
}
