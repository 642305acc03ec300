package dev.balanced.internal.position;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * MariaDB's GTID positions. After a commit, {@code @@last_gtid} names the transaction this
 * connection committed last: a replica that has applied it has the write, whatever other sessions
 * committed meanwhile. Where it is empty (a transaction the binary log did not take), the
 * server-wide {@code @@gtid_binlog_pos} stands in: later than needed, never earlier.
 */
public final class GtidPositions implements PositionSource {
  public static final GtidPositions SOURCE = new GtidPositions();

  private GtidPositions() {}

  @Override
  public String describe() {
    return "GTID position";
  }

  @Override
  public ReplicationPosition committed(Connection primary) throws SQLException {
    String last = read(primary, "select @@last_gtid, @@gtid_binlog_pos");
    return ReplicationPosition.gtids(last);
  }

  @Override
  public ReplicationPosition primaryPosition(Connection primary) throws SQLException {
    return ReplicationPosition.gtids(read(primary, "select @@gtid_binlog_pos, ''"));
  }

  @Override
  public ReplicationPosition applied(Connection replica) throws SQLException {
    return ReplicationPosition.gtids(read(replica, "select @@gtid_slave_pos, ''"));
  }

  /** The first column if it is not empty, else the second. */
  private static String read(Connection connection, String query) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(query)) {
      if (!rs.next()) {
        return "";
      }
      String first = rs.getString(1);
      if (first != null && !first.isBlank()) {
        return first;
      }
      String second = rs.getString(2);
      return second == null ? "" : second;
    }
  }
}
