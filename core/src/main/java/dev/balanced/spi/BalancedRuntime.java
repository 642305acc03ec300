package dev.balanced.spi;

import dev.balanced.events.NodeStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The running library, as an integration holds it: settings, one pool per node, replica health and
 * read-your-writes. One per DataSource or SessionFactory; {@link #close()} closes its pools. The
 * Hibernate module starts one from its settings; the spi has no factory of its own yet, as it would
 * depend on the implementation it hides.
 */
public interface BalancedRuntime extends AutoCloseable {

  /** Opens a unit of work in the current thread's pinning context, or in a private one. */
  UnitOfWork openUnitOfWork(boolean readOnly);

  /**
   * A routing connection for {@code unitOfWork}, which must come from this runtime: it takes a
   * physical connection per node on that node's first statement.
   */
  Connection connect(UnitOfWork unitOfWork);

  /**
   * A plain pooled connection to the primary, for work outside any unit of work (DDL, metadata).
   */
  Connection connectPrimary() throws SQLException;

  /** The primary first, then the replicas. */
  List<NodeInfo> nodes();

  /** Each node's state, lag, last error and pool, now: the primary first, then the replicas. */
  List<NodeStatus> health();

  /** Its mode and consistency, for a startup line: "greedy mode, consistency=session". */
  String describe();

  /** Stops its background work and closes its pools. */
  @Override
  void close();
}
