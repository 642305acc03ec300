package dev.balanced.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.balanced.internal.routing.SqlClassifier.SessionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which statements only change session state, and for how long. */
class SessionStateClassifierTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "SET search_path TO app, public",
        "set statement_timeout = '5s'",
        "SET ROLE reporting",
        "SET SESSION statement_timeout = 0",
        "SET SESSION AUTHORIZATION app",
        "/* hint */ SET application_name = 'web'",
        "SET @var = 42",
        "# a MySQL comment\nSET @var = 42",
        "SET NAMES utf8mb4",
        "SET @@session.sql_mode = 'ANSI'",
        "RESET search_path",
        "RESET ALL",
        "reset role"
      })
  void sessionSettings(String sql) {
    assertEquals(SessionState.SESSION, SqlClassifier.BUILT_IN.sessionState(sql), sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET LOCAL search_path TO app", "set local lock_timeout = '1s'"})
  void transactionSettings(String sql) {
    assertEquals(SessionState.TRANSACTION, SqlClassifier.BUILT_IN.sessionState(sql), sql);
  }

  /** They change the transaction or the server, or compute their value with a write. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "SET TRANSACTION READ WRITE",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
        "SET CONSTRAINTS ALL DEFERRED",
        "SET LOCAL TRANSACTION READ WRITE",
        "SET GLOBAL max_connections = 500",
        "SET PERSIST max_connections = 500",
        "SET @@global.read_only = 1",
        "SET autocommit = 0",
        "SET @@autocommit = 0",
        "SET @next = nextval('s')",
        "SET @n = (SELECT id FROM t FOR UPDATE)",
        "SET @got = GET_LOCK('job', 10)",
        "SET @released = RELEASE_LOCK('job')",
        "SET @x = 1; UPDATE t SET a = 1",
        "SET search_path TO app; SET search_path TO other",
        "select 1",
        "update t set a = 1",
        "settle_accounts()",
        "resetter"
      })
  void notSessionState(String sql) {
    assertEquals(SessionState.NONE, SqlClassifier.BUILT_IN.sessionState(sql), sql);
  }

  @Test
  void aSetThatCallsADeclaredWriteFunctionIsAWrite() {
    SqlClassifier declared =
        SqlClassifier.withWriteFunctions(
            java.util.List.of(new dev.balanced.spi.FunctionName(null, "archive_order")));
    String sql = "SET @archived = archive_order(42)";

    assertEquals(SessionState.NONE, declared.sessionState(sql), "declared: runs on the primary");
    assertEquals(SessionState.SESSION, SqlClassifier.BUILT_IN.sessionState(sql), "undeclared");
  }

  @Test
  void aRefusedCallOfADeclaredFunctionSaysWhichFunction() {
    SqlClassifier declared =
        SqlClassifier.withWriteFunctions(
            java.util.List.of(new dev.balanced.spi.FunctionName(null, "archive_order")));
    assertEquals(
        "SQL statement 'select ... archive_order ...'",
        new SqlWriteIntent("select archive_order(42)", declared).toString());
  }
}
