package dev.balanced.internal.consistency;

import dev.balanced.internal.topology.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last WAL position each replica was seen to have replayed. Positions only grow, so a cached
 * position that already reaches what a reader needs settles the question without a round trip; only
 * a replica that looks behind is asked again.
 */
final class ReplicaPositions {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.consistency");

  private final AtomicLongArray replayed;

  ReplicaPositions(int nodeCount) {
    this.replayed = new AtomicLongArray(nodeCount);
  }

  long cached(Node node) {
    return replayed.get(node.index());
  }

  /** Asks the replica where it is; on failure (replica down) keeps what was known. */
  long refresh(Node node) {
    try (Connection connection = node.connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("select pg_last_wal_replay_lsn()::text")) {
      String text = rs.next() ? rs.getString(1) : null;
      if (text != null) {
        advance(node, Lsn.parse(text));
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debug("cannot read the replay position of {}: {}", node.name(), e.getMessage());
    }
    return cached(node);
  }

  private void advance(Node node, long position) {
    int index = node.index();
    long known;
    do {
      known = replayed.get(index);
      if (Lsn.reached(known, position)) {
        return;
      }
    } while (!replayed.compareAndSet(index, known, position));
  }
}
