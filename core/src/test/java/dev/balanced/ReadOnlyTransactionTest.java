package dev.balanced;

import static dev.balanced.Queries.insertItem;
import static dev.balanced.Queries.servedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connection made read-only, as Spring's {@code @Transactional(readOnly = true)} makes it: its
 * reads are routed as any transaction's, its writes are refused before they reach a database, and
 * the next unit of work does not inherit it.
 */
class ReadOnlyTransactionTest {
  private TestCluster cluster;

  @BeforeEach
  void start() {
    cluster = TestCluster.start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void readsOfAReadOnlyTransactionGoToAReplica() throws Exception {
    try (Connection connection = cluster.dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      assertNotEquals("primary", servedBy(connection));
      assertTrue(connection.isReadOnly());
      connection.commit();
    }
  }

  @Test
  void aWriteInAReadOnlyTransactionIsRefusedAndReachesNoDatabase() throws Exception {
    try (Connection connection = cluster.dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      String replica = servedBy(connection);
      ReadOnlyWriteException refused =
          assertThrows(ReadOnlyWriteException.class, () -> insertItem(connection, 1));
      assertTrue(
          refused.getMessage().contains("Connection.setReadOnly(true)"), refused.getMessage());
      assertTrue(refused.getMessage().contains("insert into item"), refused.getMessage());
      // Refused, not switched: the transaction still reads where it read.
      assertEquals(replica, servedBy(connection));
      assertFalse(connection.unwrap(BalancedSession.class).isPinned());
      connection.rollback();
    }
    assertEquals(0, cluster.items("primary"));
  }

  @Test
  void aPinnedContextRefusesTooAndReadsItsOwnWrites() throws Exception {
    try (PinningContext context = PinningContext.open()) {
      context.pin();
      try (Connection connection = cluster.dataSource.getConnection()) {
        connection.setReadOnly(true);
        // Read-your-writes still holds in a read-only transaction: the pin sends it to the primary.
        assertEquals("primary", servedBy(connection));
        assertThrows(ReadOnlyWriteException.class, () -> insertItem(connection, 2));
      }
    }
    assertEquals(0, cluster.items("primary"));
  }

  @Test
  void readWriteAgainAllowsWrites() throws Exception {
    try (Connection connection = cluster.dataSource.getConnection()) {
      connection.setReadOnly(true);
      servedBy(connection);
      connection.setReadOnly(false);
      insertItem(connection, 3);
    }
    assertEquals(1, cluster.items("primary"));
  }

  @Test
  void theNextConnectionIsNotReadOnlyAlthoughNobodyResetIt() throws Exception {
    try (Connection connection = cluster.dataSource.getConnection()) {
      connection.setReadOnly(true);
      servedBy(connection);
    }
    // Spring does not always call setReadOnly(false) before returning a connection; neither the
    // unit of work nor the pooled physical connections may keep the flag.
    for (int i = 0; i < 6; i++) {
      try (Connection connection = cluster.dataSource.getConnection();
          Statement statement = connection.createStatement()) {
        assertFalse(connection.isReadOnly());
        servedBy(connection);
        statement.executeUpdate("insert into item(id, name) values (" + (10 + i) + ", 'x')");
      }
    }
    assertEquals(6, cluster.items("primary"));
  }
}
