package dev.balanced;

import static dev.balanced.Queries.insertItem;
import static dev.balanced.Queries.one;
import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Session state set on a routing connection before its first statement reaches the physical
 * connections it takes later, on whichever node, and does not outlive the routing connection.
 */
class SessionStateCarryTest {
  private static final List<String> REPLICAS = List.of("r1", "r2");
  private static final String ISOLATION_OF_THIS_SESSION =
      "select isolation_level from information_schema.sessions where session_id = session_id()";

  private TestCluster cluster;
  private BalancedDataSource dataSource;

  @BeforeEach
  void start() {
    cluster = TestCluster.start();
    dataSource = cluster.dataSource;
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  /** The H2 connection under the routing connection: the primary's when it holds one. */
  private static JdbcConnection physical(Connection connection) throws SQLException {
    return connection.unwrap(JdbcConnection.class);
  }

  @Test
  void unwrappingAsConnectionGivesTheRoutingConnectionItself() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      assertSame(connection, connection.unwrap(Connection.class));
      assertThrows(
          SQLException.class,
          () -> connection.unwrap(JdbcConnection.class),
          "no physical connection is taken before the first statement");
    }
  }

  @Test
  void autoCommitOffReachesThePrimaryTakenByALaterWrite() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      assertFalse(connection.getAutoCommit());
      insertItem(connection, 1);

      assertFalse(physical(connection).getAutoCommit());
      assertEquals(0, cluster.items("primary"), "uncommitted: invisible to other connections");
      assertEquals(
          1L,
          ((Number) one(connection, "select count(*) from item")).longValue(),
          "visible inside the transaction");
    }
    assertEquals(0, cluster.items("primary"), "closing without commit rolled the insert back");
  }

  @Test
  void autoCommitOffReachesTheReplicaTakenByALaterRead() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      assertTrue(REPLICAS.contains(servedBy(connection)));
      assertFalse(physical(connection).getAutoCommit());
    }
  }

  @Test
  void autoCommitOffSetAfterAReadReachesBothNodes() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(connection)));
      connection.setAutoCommit(false);
      assertFalse(physical(connection).getAutoCommit(), "applied to the replica already held");
      insertItem(connection, 1);
      assertFalse(physical(connection).getAutoCommit(), "applied to the primary taken later");
      assertEquals(0, cluster.items("primary"));
      connection.commit();
    }
    assertEquals(1, cluster.items("primary"));
  }

  @Test
  void isolationReachesTheReplicaTakenByALaterRead() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      assertTrue(REPLICAS.contains(servedBy(connection)));

      assertEquals("SERIALIZABLE", one(connection, ISOLATION_OF_THIS_SESSION));
      assertEquals(Connection.TRANSACTION_SERIALIZABLE, connection.getTransactionIsolation());
      assertEquals(
          Connection.TRANSACTION_SERIALIZABLE, physical(connection).getTransactionIsolation());
    }
  }

  @Test
  void isolationReachesThePrimaryTakenByALaterWrite() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      assertTrue(REPLICAS.contains(servedBy(connection)));
      insertItem(connection, 1);

      assertEquals("primary", servedBy(connection));
      assertEquals("REPEATABLE READ", one(connection, ISOLATION_OF_THIS_SESSION));
      assertEquals(
          Connection.TRANSACTION_REPEATABLE_READ, physical(connection).getTransactionIsolation());
    }
  }

  @Test
  void isolationDoesNotOutliveTheRoutingConnection() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      session(connection).pin();
      assertEquals("SERIALIZABLE", one(connection, ISOLATION_OF_THIS_SESSION));
    }
    // The pools hand out the same physical connections again, reset.
    for (int i = 0; i < 4; i++) {
      try (Connection connection = dataSource.getConnection()) {
        session(connection).pin();
        assertEquals("READ COMMITTED", one(connection, ISOLATION_OF_THIS_SESSION));
      }
    }
  }

  @Test
  void isolationBeforeAnyStatementIsTheDriversDefault() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      assertEquals(Connection.TRANSACTION_READ_COMMITTED, connection.getTransactionIsolation());
    }
  }

  @Test
  void schemaReachesThePhysicalConnectionsTakenLater() throws Exception {
    for (String node : List.of("primary", "r1", "r2")) {
      cluster.nodes.execute(
          node,
          "create schema other",
          "create table other.marker(node varchar(40))",
          "insert into other.marker values ('other-" + node + "')",
          "create table other.item(id int primary key, name varchar(40))");
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setSchema("OTHER");
      String replica = servedBy(connection);
      assertTrue(replica.equals("other-r1") || replica.equals("other-r2"), replica);

      insertItem(connection, 1);
      assertEquals("other-primary", servedBy(connection));
      assertEquals("OTHER", connection.getSchema());
    }
    assertEquals(1, cluster.nodes.count("primary", "other.item"));
    assertEquals(0, cluster.items("primary"), "not in the default schema");
  }

  @Test
  void holdabilityReachesThePhysicalConnection() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT);
      assertTrue(REPLICAS.contains(servedBy(connection)));
      assertEquals(ResultSet.CLOSE_CURSORS_AT_COMMIT, physical(connection).getHoldability());
      assertEquals(ResultSet.CLOSE_CURSORS_AT_COMMIT, connection.getHoldability());
    }
  }

  @Test
  void readOnlyIsRecordedAndReadsStillWork() throws Exception {
    // H2 ignores the read-only hint, so only the routing connection's own view can be checked.
    try (Connection connection = dataSource.getConnection()) {
      connection.setReadOnly(true);
      assertTrue(connection.isReadOnly());
      assertTrue(REPLICAS.contains(servedBy(connection)));
      assertTrue(connection.isReadOnly());
    }
  }

  @Test
  void aClosedConnectionRefusesStatements() throws Exception {
    Connection connection = dataSource.getConnection();
    Statement statement = connection.createStatement();
    connection.close();
    assertTrue(connection.isClosed());
    assertFalse(connection.isValid(1));
    assertThrows(SQLException.class, connection::createStatement);
    assertThrows(SQLException.class, () -> connection.prepareStatement("select 1"));
    assertThrows(SQLException.class, () -> statement.executeQuery("select node from marker"));
    connection.close();
  }
}
