package dev.balanced.internal.position;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * How to read replication positions from one kind of database, on a connection the caller holds:
 * what read-your-writes by position ({@code consistency=position}) and the lag monitor ({@code
 * max_replica_lag_ms}) ask.
 */
public interface PositionSource {
  /** What the positions are called in messages: "WAL position", "GTID position". */
  String describe();

  /**
   * Where the primary was right after a transaction committed on {@code primary}: a replica at this
   * position has the transaction.
   */
  ReplicationPosition committed(Connection primary) throws SQLException;

  /** What the primary has written that replicas can have received: the lag monitor's yardstick. */
  ReplicationPosition primaryPosition(Connection primary) throws SQLException;

  /**
   * How far a replica has applied; {@link ReplicationPosition#NONE} when the server replicates
   * nothing by these positions (a PostgreSQL server out of recovery).
   */
  ReplicationPosition applied(Connection replica) throws SQLException;
}
