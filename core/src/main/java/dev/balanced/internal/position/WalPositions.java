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

  /**
   * With its timeline, from the name of the WAL file the position is in (its first 8 hex digits):
   * any user may call {@code pg_walfile_name}, and it names the timeline the server writes on now,
   * while {@code pg_control_checkpoint()} needs a privilege and lags behind a promotion until the
   * next checkpoint.
   */
  @Override
  public ReplicationPosition committed(Connection primary) throws SQLException {
    return onTimeline(
        primary, "select pg_current_wal_lsn()::text, pg_walfile_name(pg_current_wal_lsn())", true);
  }

  @Override
  public ReplicationPosition primaryPosition(Connection primary) throws SQLException {
    return onTimeline(
        primary,
        "select pg_current_wal_flush_lsn()::text, pg_walfile_name(pg_current_wal_flush_lsn())",
        true);
  }

  /**
   * With the timeline the standby receives WAL on ({@code pg_stat_wal_receiver.received_tli}): a
   * standby can only receive a timeline whose history contains what it has replayed. Not known (0)
   * while it receives nothing, or where the user may not see it (PostgreSQL shows it to members of
   * {@code pg_read_all_stats}); then positions are compared without timelines.
   */
  @Override
  public ReplicationPosition applied(Connection replica) throws SQLException {
    return onTimeline(
        replica,
        "select pg_last_wal_replay_lsn()::text,"
            + " (select received_tli from pg_stat_wal_receiver)::text",
        false);
  }

  private static ReplicationPosition onTimeline(
      Connection connection, String query, boolean required) throws SQLException {
    String position;
    String timeline;
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(query)) {
      if (!rs.next()) {
        throw new SQLException("No row from '" + query + "'");
      }
      position = rs.getString(1);
      timeline = rs.getString(2);
    }
    long lsn = position == null ? 0 : Lsn.parse(position);
    if (required && lsn == 0) {
      throw new SQLException("No WAL position from '" + query + "'");
    }
    return ReplicationPosition.wal(timeline(timeline), lsn);
  }

  /**
   * The timeline of a WAL file name ({@code 00000002000000000000000A}: timeline 2) or a number; 0
   * for none.
   *
   * @throws IllegalArgumentException when the server answers with something else
   */
  public static long timeline(String text) {
    if (text == null) {
      return 0;
    }
    try {
      return text.length() == 24
          ? Long.parseUnsignedLong(text.substring(0, 8), 16)
          : Long.parseUnsignedLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a timeline or WAL file name: " + text, e);
    }
  }
}
