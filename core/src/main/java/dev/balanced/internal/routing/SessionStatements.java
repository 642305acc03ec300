package dev.balanced.internal.routing;

import dev.balanced.internal.routing.SqlClassifier.SessionState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code SET}/{@code RESET} statements a routing connection ran, in order, so that every
 * physical connection of the unit of work has the same session state: one that was held when the
 * statement ran catches up before its next statement, one taken later replays them all. A {@code
 * SET LOCAL} is forgotten when its transaction ends, as the database forgets it.
 *
 * <p>HikariCP resets only the state it manages through JDBC (auto-commit, isolation, read-only,
 * catalog, schema, network timeout), so a connection whose session was changed by SQL is not
 * returned to its pool: {@link #changedSession} tells the routing connection to evict it.
 */
final class SessionStatements {
  private record Entry(String sql, boolean transactionScoped) {}

  private final List<Entry> entries = new ArrayList<>();

  /** Per node index: how many of {@link #entries} its held connection has run. */
  private final int[] applied;

  SessionStatements(int nodes) {
    this.applied = new int[nodes];
  }

  /** {@code sql} has just run on the connection of node {@code ranOn}, which was caught up. */
  void ran(String sql, SessionState scope, int ranOn) {
    entries.add(new Entry(sql, scope == SessionState.TRANSACTION));
    applied[ranOn] = entries.size();
  }

  /** Runs on {@code connection} of node {@code index} what it has not run yet, in order. */
  void catchUp(int index, Connection connection) throws SQLException {
    if (applied[index] == entries.size()) {
      return;
    }
    try (Statement statement = connection.createStatement()) {
      for (int i = applied[index]; i < entries.size(); i++) {
        statement.execute(entries.get(i).sql());
        applied[index] = i + 1;
      }
    }
  }

  /** The connection of node {@code index} is gone: one taken later replays everything. */
  void forget(int index) {
    applied[index] = 0;
  }

  /**
   * Whether the held connection of node {@code index} ran a statement that outlives transactions.
   */
  boolean changedSession(int index) {
    for (int i = 0; i < applied[index]; i++) {
      if (!entries.get(i).transactionScoped()) {
        return true;
      }
    }
    return false;
  }

  /** The transaction ended: {@code SET LOCAL} statements no longer apply anywhere. */
  void transactionEnded() {
    if (entries.stream().noneMatch(Entry::transactionScoped)) {
      return;
    }
    for (int node = 0; node < applied.length; node++) {
      int kept = 0;
      for (int i = 0; i < applied[node]; i++) {
        if (!entries.get(i).transactionScoped()) {
          kept++;
        }
      }
      applied[node] = kept;
    }
    entries.removeIf(Entry::transactionScoped);
  }
}
