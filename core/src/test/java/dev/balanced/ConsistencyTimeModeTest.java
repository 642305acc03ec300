package dev.balanced;

import static dev.balanced.Queries.insertItem;
import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes across units of work with {@code consistency=time}: a context that committed a
 * write hands out a token, and a later context opened with it reads from the primary while the pin
 * lasts, although nothing is pinned in it.
 */
class ConsistencyTimeModeTest {
  static final String SECRET = "a-test-secret-that-is-long-enough-0123456789";
  private static final List<String> REPLICAS = List.of("r1", "r2");

  private TestCluster cluster;
  private BalancedDataSource dataSource;
  private ExecutorService pool;
  private int nextId = 1;

  private void start(int pinSeconds) {
    cluster =
        TestCluster.start(
            Map.of(
                "balanced.consistency",
                "time",
                "balanced.token_secret",
                SECRET,
                "balanced.pin_seconds",
                String.valueOf(pinSeconds)),
            "r1",
            "r2");
    dataSource = cluster.dataSource;
  }

  @AfterEach
  void close() throws Exception {
    PinningContext leftOver = PinningContext.current();
    while (PinningContext.current() != null) {
      PinningContext.current().close(); // so one failing test does not spoil the next ones
    }
    try {
      assertNull(leftOver, "a test left a context bound to the thread");
      if (pool != null) {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** Commits one insert in its own context, in a transaction; returns the context's token. */
  private String writeInTransaction() throws SQLException {
    try (PinningContext context = PinningContext.open()) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        insertItem(connection, nextId++);
        connection.commit();
      }
      return context.token();
    }
  }

  /** The node that serves a read in a new context opened with {@code token}. */
  private String readInContextWith(String token) throws SQLException {
    try (PinningContext context = PinningContext.open(token);
        Connection connection = dataSource.getConnection()) {
      assertFalse(context.isPinned(), "nothing is pinned in the reading context");
      String node = servedBy(connection);
      assertFalse(session(connection).isPinned());
      return node;
    }
  }

  // ---- a committed write hands out a token that sends the next unit of work to the primary ---

  @Test
  void aCommittedTransactionGivesATokenThatMakesTheNextContextReadFromThePrimary()
      throws Exception {
    start(15);
    String token = writeInTransaction();
    assertNotNull(token);

    try (PinningContext next = PinningContext.open(token);
        Connection connection = dataSource.getConnection()) {
      assertFalse(next.isPinned());
      assertEquals("primary", servedBy(connection));
      assertEquals(
          1L,
          ((Number) Queries.one(connection, "select count(*) from item")).longValue(),
          "the next unit of work sees the write");
    }
    for (int i = 0; i < 5; i++) {
      assertEquals("primary", readInContextWith(token), "every session of every such context");
    }
  }

  /**
   * What carries a token (a cookie's Max-Age, a store's time to live) can keep it exactly as long
   * as it matters: pin_seconds after the write; nothing when there is no token.
   */
  @Test
  void theTokenSaysWhenItExpires() throws Exception {
    start(15);
    try (PinningContext context = PinningContext.open()) {
      assertNull(context.tokenExpiresAt(), "no write, no token");
      long before = System.currentTimeMillis();
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        insertItem(connection, nextId++);
        connection.commit();
      }
      long after = System.currentTimeMillis();
      java.time.Instant expiry = context.tokenExpiresAt();
      assertNotNull(expiry);
      assertTrue(
          expiry.toEpochMilli() >= before + 15_000 && expiry.toEpochMilli() <= after + 15_000,
          "pin_seconds=15 after the commit: " + expiry);
    }
    try (PinningContext passedOn = PinningContext.open("not-a-token")) {
      assertNull(passedOn.tokenExpiresAt(), "a token that cannot be read says nothing");
    }
  }

  @Test
  void anAutoCommittedWriteCountsOnceTheConnectionIsClosed() throws Exception {
    start(15);
    String token;
    try (PinningContext context = PinningContext.open()) {
      try (Connection connection = dataSource.getConnection()) {
        assertTrue(connection.getAutoCommit());
        insertItem(connection, 1);
      }
      token = context.token();
    }
    assertNotNull(token);
    assertEquals("primary", readInContextWith(token));
  }

  @Test
  void switchingAutoCommitOnCommitsAndCounts() throws Exception {
    start(15);
    String token;
    try (PinningContext context = PinningContext.open();
        Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      insertItem(connection, 1);
      connection.setAutoCommit(true);
      token = context.token();
      assertNotNull(token, "recorded when the transaction committed, before the connection closed");
    }
    assertEquals("primary", readInContextWith(token));
  }

  @Test
  void anAutoCommittedWriteCountsEvenIfTheConnectionThenRollsBackATransaction() throws Exception {
    start(15);
    String token;
    try (PinningContext context = PinningContext.open()) {
      try (Connection connection = dataSource.getConnection()) {
        insertItem(connection, 1); // committed at once (auto-commit)
        connection.setAutoCommit(false);
        insertItem(connection, 2);
        connection.rollback(); // undoes only the second insert
      }
      token = context.token();
    }
    assertEquals(1L, cluster.items("primary"));
    assertNotNull(token, "the first insert is committed and must be carried");
    assertEquals("primary", readInContextWith(token));
  }

  @Test
  void withoutATokenTheNextContextReadsFromAReplica() throws Exception {
    start(15);
    assertNotNull(writeInTransaction());
    assertTrue(REPLICAS.contains(readInContextWith(null)));
    try (Connection outsideAnyContext = dataSource.getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(outsideAnyContext)));
    }
  }

  @Test
  void theTokenStopsSendingReadsToThePrimaryOncePinSecondsHavePassed() throws Exception {
    start(1);
    long before = System.currentTimeMillis();
    String token = writeInTransaction();
    assertNotNull(token);
    String first = readInContextWith(token);
    if (System.currentTimeMillis() - before < 900) { // not checkable on a machine this slow
      assertEquals("primary", first, "within pin_seconds");
    }

    long deadline = System.currentTimeMillis() + 10_000;
    String node = first;
    while (node.equals("primary") && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      node = readInContextWith(token);
    }
    assertTrue(REPLICAS.contains(node), "still reading from the primary after 10 s");
    assertTrue(System.currentTimeMillis() - before >= 1000, "not before pin_seconds passed");

    try (PinningContext expired = PinningContext.open(token);
        Connection connection = dataSource.getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(connection)));
      assertNull(expired.token(), "an expired token is not passed on");
    }
  }

  // ---- what gives no token --------------------------------------------------------------------

  @Test
  void aRolledBackWriteGivesNoToken() throws Exception {
    start(15);
    try (PinningContext context = PinningContext.open()) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        insertItem(connection, 1);
        connection.rollback();
      }
      assertTrue(context.isPinned(), "the write pinned the context all the same (greedy)");
      assertNull(context.token());
    }
    assertEquals(0L, cluster.items("primary"));
  }

  @Test
  void aWriteNeverCommittedGivesNoToken() throws Exception {
    start(15);
    try (PinningContext context = PinningContext.open()) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        insertItem(connection, 1);
        // closed without commit: the pool rolls back
      }
      assertNull(context.token());
    }
    assertEquals(0L, cluster.items("primary"));
  }

  @Test
  void aContextThatOnlyReadGivesNoToken() throws Exception {
    start(15);
    try (PinningContext context = PinningContext.open()) {
      try (Connection connection = dataSource.getConnection()) {
        assertTrue(REPLICAS.contains(servedBy(connection)));
        connection.setAutoCommit(false);
        servedBy(connection);
        connection.commit();
      }
      assertNull(context.token());
    }
  }

  @Test
  void aContextThatDidNothingGivesNoToken() {
    start(15);
    try (PinningContext context = PinningContext.open()) {
      assertNull(context.token());
    }
  }

  @Test
  void aWriteOutsideAnyContextIsNotRecordedInALaterContext() throws Exception {
    start(15);
    try (Connection connection = dataSource.getConnection()) {
      insertItem(connection, 1);
    }
    try (PinningContext context = PinningContext.open();
        Connection connection = dataSource.getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(connection)));
      assertNull(context.token());
    }
  }

  // ---- passing a token on ---------------------------------------------------------------------

  @Test
  void aContextOpenedWithATokenThatDoesNothingPassesItOn() throws Exception {
    start(15);
    String first = writeInTransaction();
    String second;
    try (PinningContext idle = PinningContext.open(first)) {
      second = idle.token();
    }
    assertNotNull(second);
    assertEquals("primary", readInContextWith(second), "the third unit of work still reads it");
  }

  @Test
  void aContextOpenedWithATokenThatOnlyReadsPassesItOn() throws Exception {
    start(15);
    String first = writeInTransaction();
    String second;
    try (PinningContext reader = PinningContext.open(first)) {
      try (Connection connection = dataSource.getConnection()) {
        assertEquals("primary", servedBy(connection));
      }
      second = reader.token();
    }
    assertNotNull(second);
    assertEquals("primary", readInContextWith(second));
  }

  @Test
  void aContextOpenedWithATokenThatWritesAgainCarriesTheLaterPin() throws Exception {
    start(15);
    String first = writeInTransaction();
    String second;
    try (PinningContext writer = PinningContext.open(first)) {
      try (Connection connection = dataSource.getConnection()) {
        insertItem(connection, 99);
      }
      second = writer.token();
    }
    assertNotNull(second);
    assertEquals("primary", readInContextWith(second));
  }

  // ---- bad tokens count as none ---------------------------------------------------------------

  @Test
  void aTamperedTokenCountsAsNoTokenAndDoesNotThrow() throws Exception {
    start(15);
    String token = writeInTransaction();
    int index = token.indexOf('.') / 2;
    String tampered =
        token.substring(0, index)
            + (token.charAt(index) == 'A' ? 'B' : 'A')
            + token.substring(index + 1);
    assertNotEquals(token, tampered);

    try (PinningContext context = assertDoesNotThrow(() -> PinningContext.open(tampered));
        Connection connection = assertDoesNotThrow(() -> dataSource.getConnection())) {
      assertTrue(REPLICAS.contains(servedBy(connection)));
      assertNull(context.token(), "a refused token is not passed on");
    }
  }

  @Test
  void garbageTokensCountAsNone() throws Exception {
    start(15);
    for (String garbage : new String[] {"", "x", "a.b", "..", "not a token at all", "%%%.%%%"}) {
      assertTrue(REPLICAS.contains(readInContextWith(garbage)), garbage);
    }
  }

  @Test
  void aTokenOfAnotherDataSourceWithAnotherSecretCountsAsNone() throws Exception {
    start(15);
    String ours = writeInTransaction();
    String foreign;
    try (TestCluster other =
        TestCluster.start(
            Map.of(
                "balanced.consistency", "time",
                "balanced.token_secret", "another-secret-which-is-also-long-enough"),
            "r1")) {
      try (PinningContext context = PinningContext.open()) {
        try (Connection connection = other.dataSource.getConnection()) {
          insertItem(connection, 1);
        }
        foreign = context.token();
      }
      assertNotNull(foreign);
    }
    assertNotEquals(ours, foreign);
    assertTrue(REPLICAS.contains(readInContextWith(foreign)));
  }

  // ---- nested contexts ------------------------------------------------------------------------

  @Test
  void aWriteInAnInnerContextIsCarriedByTheOuterContextsToken() throws Exception {
    start(15);
    String outerToken;
    try (PinningContext outer = PinningContext.open()) {
      try (PinningContext inner = PinningContext.open()) {
        try (Connection connection = dataSource.getConnection()) {
          connection.setAutoCommit(false);
          insertItem(connection, 1);
          connection.commit();
        }
        assertNotNull(inner.token());
      }
      assertSame(outer, PinningContext.current());
      outerToken = outer.token();
    }
    assertNotNull(outerToken);
    assertEquals("primary", readInContextWith(outerToken));
  }

  @Test
  void anInnerContextSeesWhatTheTokenOfItsOuterContextRequires() throws Exception {
    start(15);
    String token = writeInTransaction();
    try (PinningContext outer = PinningContext.open(token);
        PinningContext inner = PinningContext.open();
        Connection connection = dataSource.getConnection()) {
      assertFalse(inner.isPinned());
      assertEquals("primary", servedBy(connection));
    }
  }

  // ---- background work ------------------------------------------------------------------------

  @Test
  void aTaskSubmittedAfterTheWriteReadsFromThePrimaryAndLeavesNoContextBehind() throws Exception {
    start(15);
    pool = Executors.newSingleThreadExecutor();
    String[] servedBy = new String[1];
    boolean[] hadContext = new boolean[1];
    Future<?> done;
    try (PinningContext request = PinningContext.open()) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        insertItem(connection, 1);
        connection.commit();
      }
      done =
          pool.submit(
              PinningContext.task(
                  () -> {
                    PinningContext context = PinningContext.current();
                    hadContext[0] = context != null && !context.isPinned();
                    try (Connection connection = dataSource.getConnection()) {
                      servedBy[0] = servedBy(connection);
                    } catch (SQLException e) {
                      throw new IllegalStateException(e);
                    }
                  }));
    }
    done.get(10, TimeUnit.SECONDS);
    assertTrue(hadContext[0], "the task runs in an unpinned context of its own");
    assertEquals("primary", servedBy[0], "the task reads the request's write");
    assertNull(
        pool.submit(PinningContext::current).get(10, TimeUnit.SECONDS),
        "the pool thread keeps no context");
  }

  @Test
  void aTaskOfAContextWithoutWritesReadsFromAReplica() throws Exception {
    start(15);
    pool = Executors.newSingleThreadExecutor();
    Runnable task;
    String[] servedBy = new String[1];
    try (PinningContext request = PinningContext.open()) {
      task =
          PinningContext.task(
              () -> {
                try (Connection connection = dataSource.getConnection()) {
                  servedBy[0] = servedBy(connection);
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
    }
    pool.submit(task).get(10, TimeUnit.SECONDS);
    assertTrue(REPLICAS.contains(servedBy[0]));
    assertNull(pool.submit(PinningContext::current).get(10, TimeUnit.SECONDS));
  }

  @Test
  void runWithATokenReadsFromThePrimaryAndClearsTheContextEvenWhenTheWorkThrows() throws Exception {
    start(15);
    String token = writeInTransaction();
    String[] servedBy = new String[1];
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                PinningContext.run(
                    token,
                    () -> {
                      assertNotNull(PinningContext.current());
                      try (Connection connection = dataSource.getConnection()) {
                        servedBy[0] = servedBy(connection);
                      } catch (SQLException e) {
                        throw new IllegalStateException(e);
                      }
                      throw boom;
                    }));
    assertSame(boom, thrown);
    assertEquals("primary", servedBy[0]);
    assertNull(PinningContext.current());
  }

  @Test
  void callWithATokenReturnsWhatTheWorkReadAndClearsTheContext() throws Exception {
    start(15);
    String token = writeInTransaction();
    assertEquals(
        "primary",
        PinningContext.call(
            token,
            () -> {
              try (Connection connection = dataSource.getConnection()) {
                return servedBy(connection);
              }
            }));
    assertNull(PinningContext.current());
    Exception checked = new Exception("checked");
    assertSame(
        checked,
        assertThrows(
            Exception.class,
            () ->
                PinningContext.call(
                    token,
                    () -> {
                      throw checked;
                    })));
    assertNull(PinningContext.current());
  }

  // ---- scopes -----------------------------------------------------------------------------------

  @Test
  void aTokenDoesNotMoveAnExplicitReplicaScope() throws Exception {
    start(15);
    String token = writeInTransaction();
    try (PinningContext context = PinningContext.open(token);
        Connection connection = dataSource.getConnection()) {
      assertEquals("primary", servedBy(connection));
      try (BalancedSession.Scope scope = session(connection).usingEngine("r1")) {
        assertEquals("r1", servedBy(connection), "an explicit scope still wins");
      }
    }
  }
}
