package dev.balanced;

import static dev.balanced.Queries.insertItem;
import static dev.balanced.Queries.servedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code consistency=session} (the default): tokens are neither read nor issued. Any string given
 * to {@link PinningContext#open(String)} is harmless, reads of a new context go to replicas, and
 * {@link PinningContext#token()} hands back the incoming token unchanged ({@code null} when none).
 */
class ConsistencySessionModeTest {
  private static final List<String> REPLICAS = List.of("r1", "r2");

  private TestCluster cluster;
  private BalancedDataSource dataSource;

  @BeforeEach
  void start() {
    // A secret is configured but ignored in session mode.
    cluster =
        TestCluster.start(
            Map.of("balanced.token_secret", ConsistencyTimeModeTest.SECRET), "r1", "r2");
    dataSource = cluster.dataSource;
  }

  @AfterEach
  void close() {
    PinningContext leftOver = PinningContext.current();
    while (PinningContext.current() != null) {
      PinningContext.current().close();
    }
    try {
      assertNull(leftOver, "a test left a context bound to the thread");
    } finally {
      cluster.close();
    }
  }

  /** A real signed token, issued by a data source in time mode. */
  private String timeModeToken() throws Exception {
    try (TestCluster timeMode =
        TestCluster.start(
            Map.of(
                "balanced.consistency",
                "time",
                "balanced.token_secret",
                ConsistencyTimeModeTest.SECRET),
            "r1")) {
      try (PinningContext context = PinningContext.open()) {
        try (Connection connection = timeMode.dataSource.getConnection()) {
          insertItem(connection, 1);
        }
        return context.token();
      }
    }
  }

  @Test
  void anyIncomingStringIsHarmlessAndPassedOnUnchanged() throws Exception {
    for (String token :
        new String[] {
          "", "garbage", "a.b", "..", "x".repeat(10_000), "eyJ2IjoxfQ.c2lnbmF0dXJl", timeModeToken()
        }) {
      try (PinningContext context = PinningContext.open(token)) {
        try (Connection connection = dataSource.getConnection()) {
          assertTrue(REPLICAS.contains(servedBy(connection)), token);
        }
        assertEquals(token, context.token(), "passed on unchanged");
      }
    }
  }

  @Test
  void withoutAnIncomingTokenTheTokenIsNull() throws Exception {
    try (PinningContext context = PinningContext.open()) {
      try (Connection connection = dataSource.getConnection()) {
        assertTrue(REPLICAS.contains(servedBy(connection)));
      }
      assertNull(context.token());
    }
    try (PinningContext context = PinningContext.open(null)) {
      assertNull(context.token());
    }
  }

  @Test
  void writesAreNotRecorded() throws Exception {
    try (PinningContext context = PinningContext.open()) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        insertItem(connection, 1);
        connection.commit();
      }
      try (Connection connection = dataSource.getConnection()) {
        assertEquals("primary", servedBy(connection), "pinned inside its own context as before");
      }
      assertNull(context.token(), "session mode issues no tokens");
    }
    String incoming = "some-token-from-a-cookie";
    try (PinningContext context = PinningContext.open(incoming)) {
      try (Connection connection = dataSource.getConnection()) {
        insertItem(connection, 2);
      }
      assertEquals(incoming, context.token(), "the incoming token, unchanged");
    }
    try (PinningContext next = PinningContext.open(incoming);
        Connection connection = dataSource.getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(connection)), "the next context is not pinned");
    }
  }

  @Test
  void tasksAndRunAcceptAnyToken() throws Exception {
    String[] served = new String[1];
    PinningContext.run(
        "not-a-token",
        () -> {
          try (Connection connection = dataSource.getConnection()) {
            served[0] = servedBy(connection);
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        });
    assertTrue(REPLICAS.contains(served[0]));
    assertNull(PinningContext.current());
    try (PinningContext context = PinningContext.open("carried")) {
      Runnable task = PinningContext.task(() -> served[0] = PinningContext.current().token());
      task.run(); // on this thread, nested in the open context
      assertEquals("carried", served[0]);
    }
  }
}
