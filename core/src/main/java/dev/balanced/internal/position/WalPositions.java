package dev.balanced.internal.position;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL's WAL positions, read on a connection the caller holds: where the primary has written
 * or flushed, and how far a standby has replayed. 0 is PostgreSQL's invalid position, which no
 * server reports as one it has reached.
 */
public final class WalPositions implements PositionSource {
  public static final WalPositions SOURCE = new WalPositions();

  private WalPositions() {}

  @Override
  public String describe() {
    return "WAL position";
  }

  @Override
  public ReplicationPosition committed(Connection primary) throws SQLException {
    return ReplicationPosition.wal(written(primary));
  }

  @Override
  public ReplicationPosition primaryPosition(Connection primary) throws SQLException {
    return ReplicationPosition.wal(flushed(primary));
  }

  @Override
  public ReplicationPosition applied(Connection replica) throws SQLException {
    return ReplicationPosition.wal(replayed(replica));
  }

  /** Where the primary has written WAL: a transaction committed on this connection is there. */
  public static long written(Connection primary) throws SQLException {
    return required(primary, "select pg_current_wal_lsn()::text");
  }

  /** What a standby can have received: WAL the primary has flushed. */
  public static long flushed(Connection primary) throws SQLException {
    return required(primary, "select pg_current_wal_flush_lsn()::text");
  }

  /** How far a standby has replayed; 0 on a server that is not a standby. */
  public static long replayed(Connection standby) throws SQLException {
    return read(standby, "select pg_last_wal_replay_lsn()::text");
  }

  /** A position the server must have: none is an error, not "nothing reached". */
  private static long required(Connection connection, String query) throws SQLException {
    long position = read(connection, query);
    if (position == 0) {
      throw new SQLException("No WAL position from '" + query + "'");
    }
    return position;
  }

  /**
   * @throws IllegalArgumentException when the server answers with something that is no position
   */
  private static long read(Connection connection, String query) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(query)) {
      String position = rs.next() ? rs.getString(1) : null;
      return position == null ? 0 : Lsn.parse(position);
    }
  }
}
