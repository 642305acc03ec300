package dev.balanced.internal.topology;

import dev.balanced.internal.position.WalPositions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a PostgreSQL server says it is: a standby or a primary, on which timeline, at which address.
 * One query any user may run: a primary's timeline from the name of the WAL file it writes, a
 * standby's from its WAL receiver (0 where the user may not see it, or while it receives nothing).
 *
 * @param standby whether it is in recovery
 * @param timeline its timeline, 0 when not known
 * @param server its address as it sees it, for messages
 */
record ServerRole(boolean standby, long timeline, String server) {
  private static final String QUERY =
      "select pg_is_in_recovery(),"
          + " case when pg_is_in_recovery()"
          + " then (select received_tli from pg_stat_wal_receiver)::text"
          + " else pg_walfile_name(pg_current_wal_lsn()) end,"
          + " coalesce(host(inet_server_addr()), 'local') || ':' || inet_server_port()";

  /** Asks the server behind {@code connection}, leaving no transaction open on it. */
  static ServerRole ask(Connection connection) throws SQLException {
    ServerRole role;
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(QUERY)) {
      rs.next();
      role =
          new ServerRole(rs.getBoolean(1), WalPositions.timeline(rs.getString(2)), rs.getString(3));
    }
    if (!connection.getAutoCommit()) {
      connection.rollback();
    }
    return role;
  }
}
