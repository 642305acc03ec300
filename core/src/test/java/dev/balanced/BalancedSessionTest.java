package dev.balanced;

import static dev.balanced.Queries.insertItem;
import static dev.balanced.Queries.one;
import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Steering a {@link BalancedDataSource} connection through {@code unwrap(BalancedSession.class)}.
 */
class BalancedSessionTest {
  private static final List<String> REPLICAS = List.of("r1", "r2");

  private TestCluster cluster;
  private Connection connection;
  private BalancedSession session;

  @BeforeEach
  void start() throws Exception {
    cluster = TestCluster.start();
    connection = cluster.dataSource.getConnection();
    session = session(connection);
  }

  @AfterEach
  void close() throws Exception {
    try {
      connection.close();
    } finally {
      cluster.close();
    }
  }

  @Test
  void aConnectionUnwrapsToItsSession() throws Exception {
    assertTrue(connection.isWrapperFor(BalancedSession.class));
    assertSame(session, connection.unwrap(BalancedSession.class));
  }

  /** toString() shows up in logs and debuggers: it must not choose a node (which may query). */
  @Test
  void toStringDoesNotChooseTheReadNode() throws Exception {
    assertTrue(session.toString().contains("read node not chosen yet"), session.toString());
    assertTrue(session.toString().contains("read node not chosen yet"), "still not chosen");

    String replica = servedBy(connection);

    assertTrue(session.toString().contains("reads on " + replica), session.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"primary", "master", "PRIMARY", "Master"})
  void primaryScopeReadsFromThePrimaryUntilClosed(String name) throws Exception {
    String replica = servedBy(connection);
    assertTrue(REPLICAS.contains(replica));

    try (BalancedSession.Scope scope = session.usingEngine(name)) {
      assertEquals("primary", servedBy(connection));
      assertEquals("primary", session.currentEngine());
      assertFalse(session.isPinned(), "a scope is not a pin");
    }

    assertEquals(replica, servedBy(connection));
    assertEquals(replica, session.currentEngine());
  }

  @ParameterizedTest
  @ValueSource(strings = {"r1", "r2", "R2"})
  void replicaScopeReadsFromThatReplica(String name) throws Exception {
    try (BalancedSession.Scope scope = session.usingEngine(name)) {
      assertEquals(name.toLowerCase(), servedBy(connection));
      assertEquals(name.toLowerCase(), session.currentEngine());
    }
  }

  @Test
  void nestedScopesRestoreThePreviousRoutingOnClose() throws Exception {
    String own = servedBy(connection);
    String other = own.equals("r1") ? "r2" : "r1";
    try (BalancedSession.Scope outer = session.usingEngine(other)) {
      assertEquals(other, servedBy(connection));
      try (BalancedSession.Scope middle = session.usingEngine("primary")) {
        assertEquals("primary", servedBy(connection));
        try (BalancedSession.Scope inner = session.usingEngine(own)) {
          assertEquals(own, servedBy(connection));
        }
        assertEquals("primary", servedBy(connection));
      }
      assertEquals(other, servedBy(connection));
    }
    assertEquals(own, servedBy(connection));
  }

  @Test
  void closingAScopeTwiceDoesNotCloseTheOuterOne() throws Exception {
    try (BalancedSession.Scope outer = session.usingEngine("primary")) {
      BalancedSession.Scope inner = session.usingEngine("r2");
      inner.close();
      inner.close();
      assertEquals("primary", servedBy(connection));
    }
  }

  @Test
  void usingReplicaReadsFromAReplicaAlthoughPinned() throws Exception {
    String replica = servedBy(connection);
    session.pin();
    assertEquals("primary", servedBy(connection));

    try (BalancedSession.Scope scope = session.usingReplica()) {
      assertEquals(replica, servedBy(connection));
      assertEquals(replica, session.currentEngine());
      assertTrue(session.isPinned());
    }

    assertEquals("primary", servedBy(connection));
  }

  @Test
  void usingReplicaAfterAWriteDoesNotSeeTheWrite() throws Exception {
    insertItem(connection, 1);
    try (BalancedSession.Scope scope = session.usingReplica()) {
      assertEquals(
          0L,
          ((Number) one(connection, "select count(*) from item")).longValue(),
          "the replica has not got the row (no replication between test nodes)");
    }
    assertEquals(1L, ((Number) one(connection, "select count(*) from item")).longValue());
  }

  @Test
  void pinSendsLaterReadsToThePrimary() throws Exception {
    String replica = servedBy(connection);
    assertFalse(session.isPinned());
    assertEquals(replica, session.currentEngine());

    session.pin();

    assertTrue(session.isPinned());
    assertEquals("primary", session.currentEngine());
    assertEquals("primary", servedBy(connection));
    session.pin();
    assertTrue(session.isPinned(), "pinning twice is harmless");
  }

  @Test
  void writesInsideAReplicaScopeStillGoToThePrimary() throws Exception {
    try (BalancedSession.Scope scope = session.usingEngine("r1")) {
      insertItem(connection, 1);
      assertEquals("r1", servedBy(connection), "the scope keeps reads on r1");
    }
    assertTrue(session.isPinned(), "the write pinned the connection");
    assertEquals("primary", servedBy(connection));
    assertEquals(1, cluster.items("primary"));
    assertEquals(0, cluster.items("r1"));
  }

  @Test
  void unknownEngineNameIsRejectedListingTheKnownNames() throws Exception {
    String before = servedBy(connection);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> session.usingEngine("replica-9"));
    for (String expected : List.of("replica-9", "primary", "master", "r1", "r2")) {
      assertTrue(e.getMessage().contains(expected), "'" + expected + "' in: " + e.getMessage());
    }
    assertEquals(before, servedBy(connection), "a refused scope changes nothing");
  }

  @Test
  void nullEngineNameIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> session.usingEngine(null));
  }

  @Test
  void sessionsOfDifferentConnectionsAreIndependent() throws Exception {
    try (Connection other = cluster.dataSource.getConnection()) {
      BalancedSession otherSession = session(other);
      assertNotEquals(session, otherSession);
      try (BalancedSession.Scope scope = otherSession.usingEngine("primary")) {
        assertEquals("primary", servedBy(other));
        assertTrue(REPLICAS.contains(servedBy(connection)), "scopes belong to one session");
      }
    }
  }
}
