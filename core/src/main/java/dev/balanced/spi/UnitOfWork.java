package dev.balanced.spi;

import dev.balanced.BalancedSession;
import dev.balanced.UnpinnedWriteException;

/**
 * The routing of one unit of work (a Hibernate session, a JDBC connection of the DataSource), as an
 * integration drives it: the application steers it through {@link BalancedSession}; the integration
 * tells it of writes before they are sent. Confined to one thread at a time, like the session it
 * belongs to.
 */
public interface UnitOfWork extends BalancedSession {

  /** The node the unit of work starts on ("primary" or a replica's name); chosen on first call. */
  String startNode();

  /**
   * Called before any write reaches a connection: pins the context in greedy mode, refuses the
   * write in strict mode unless pinned or inside a primary scope.
   *
   * @throws UnpinnedWriteException in strict mode when unpinned
   * @throws dev.balanced.ReadOnlyWriteException in a read-only unit of work, or while its
   *     connection or session is read-only
   */
  void beforeWrite(WriteIntent intent);

  /** Whether a write may go ahead without {@link #beforeWrite} having anything to do. */
  boolean isPinnedForWrites();

  /** Whether it was opened read-only: it reads from its replica and refuses writes. */
  boolean isReadOnly();

  /**
   * The integration's session now reads entities read-only by default, or no longer does
   * (Hibernate's {@code Session.setDefaultReadOnly}, which Spring sets for the length of a
   * {@code @Transactional(readOnly = true)} transaction): while it does, writes are refused.
   */
  void readOnlyByDefault(boolean readOnly);
}
