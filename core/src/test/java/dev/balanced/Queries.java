package dev.balanced;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Small JDBC shortcuts for the routing tests. */
final class Queries {
  private Queries() {}

  /** The name of the node that serves a plain read on {@code connection}. */
  static String servedBy(Connection connection) throws SQLException {
    return (String) one(connection, "select node from marker");
  }

  /** The first column of the first row of {@code sql}, run through {@code connection}. */
  static Object one(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      return rs.next() ? rs.getObject(1) : null;
    }
  }

  /** Inserts one row into the {@code item} table through {@code connection}. */
  static void insertItem(Connection connection, int id) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement("insert into item(id, name) values (?, ?)")) {
      insert.setInt(1, id);
      insert.setString(2, "item-" + id);
      insert.executeUpdate();
    }
  }

  static BalancedSession session(Connection connection) throws SQLException {
    return connection.unwrap(BalancedSession.class);
  }
}
