package dev.balanced.internal.topology;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells from a JDBC failure whether the server behind a connection is gone, as opposed to one
 * statement having failed: SQLState class 08 (connection exception), PostgreSQL's shutdown and
 * start-up states, and the JDBC exception types that say so.
 */
final class ConnectionFailures {
  private ConnectionFailures() {}

  static boolean meansUnreachable(SQLException failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLNonTransientConnectionException
          || t instanceof SQLTransientConnectionException
          || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && isConnectionState(sql.getSQLState())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * 08xxx: connection exception (SQL standard; PostgreSQL, MariaDB and MySQL drivers use it for a
   * lost connection). 57P01-57P03: PostgreSQL's admin shutdown, crash shutdown and cannot connect
   * now, which a standby stopped or restarting answers with.
   */
  private static boolean isConnectionState(String state) {
    return state != null
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"));
  }
}
