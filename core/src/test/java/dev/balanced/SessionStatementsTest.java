package dev.balanced;

import static dev.balanced.Queries.one;
import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code SET} changes the session, not the data: it neither pins nor trips strict mode, reaches the
 * primary connection a later write takes, and does not leak through the pool to the next unit of
 * work. (H2's {@code SET @var} stands in for {@code SET search_path} or {@code SET ROLE}: a setting
 * that lives as long as the database session.)
 */
class SessionStatementsTest {
  private TestCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void execute(Connection connection, String sql) throws Exception {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @Test
  void aSetRunsWhereReadsGoAndDoesNotPin() throws Exception {
    cluster = TestCluster.start(Map.of(), "r1");
    try (Connection connection = cluster.dataSource.getConnection()) {
      execute(connection, "SET @greeting = 'hello'");

      assertFalse(session(connection).isPinned());
      assertEquals("r1", servedBy(connection));
      assertEquals("hello", one(connection, "select @greeting"));
    }
  }

  @Test
  void aSetIsReplayedOnThePrimaryConnectionALaterWriteTakes() throws Exception {
    cluster = TestCluster.start(Map.of(), "r1");
    try (Connection connection = cluster.dataSource.getConnection()) {
      connection.setAutoCommit(false);
      execute(connection, "SET @id = 7");
      try (PreparedStatement set = connection.prepareStatement("SET @name = 'seven'")) {
        set.execute();
      }
      execute(connection, "insert into item(id, name) values (@id, @name)");
      connection.commit();
    }
    assertEquals(1, cluster.items("primary"));
    assertEquals("seven", cluster.nodes.queryOne("primary", "select name from item where id = 7"));
  }

  @Test
  void strictModeLetsASetRunWithoutAPin() throws Exception {
    cluster = TestCluster.start(Map.of("balanced.mode", "strict"), "r1");
    try (Connection connection = cluster.dataSource.getConnection()) {
      execute(connection, "SET @x = 1");
      execute(connection, "SET SCHEMA PUBLIC");
      assertFalse(session(connection).isPinned());
    }
  }

  @Test
  void aConnectionWhoseSessionASetChangedIsNotReturnedToItsPool() throws Exception {
    // One connection per pool: without eviction the next unit of work would get the same one.
    cluster = TestCluster.start(Map.of("balanced.primary.hikari.maximumPoolSize", "1"), "r1");
    try (Connection connection = cluster.dataSource.getConnection()) {
      execute(connection, "SET @leak = 'from the first unit of work'");
      assertEquals("from the first unit of work", one(connection, "select @leak"));
    }
    try (Connection next = cluster.dataSource.getConnection()) {
      assertEquals("r1", servedBy(next));
      assertNull(one(next, "select @leak"));
    }
  }
}
