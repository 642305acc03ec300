package dev.balanced.testing.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** Small JDBC helpers for the tests. */
final class Sql {
  private Sql() {}

  static void execute(PgNode node, String sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The first column of the first row, as text. */
  static String query(PgNode node, String sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Whether table {@code t} (id bigint) holds the id, as seen on that node now. */
  static boolean hasRow(PgNode node, String table, long id) throws SQLException {
    try (Connection c = node.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM " + table + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) == 1;
      }
    }
  }

  /** Polls until the row shows on the node; returns how long that took, or throws. */
  static Duration awaitRow(PgNode node, String table, long id, Duration timeout)
      throws SQLException, InterruptedException {
    long start = System.nanoTime();
    while (!hasRow(node, table, id)) {
      if (System.nanoTime() - start > timeout.toNanos()) {
        throw new AssertionError(
            "row "
                + id
                + " of "
                + table
                + " did not show on "
                + node.name()
                + " within "
                + timeout);
      }
      Thread.sleep(5);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
