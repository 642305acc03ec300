package dev.balanced;

import dev.balanced.events.NodeStatus;
import java.util.List;

/**
 * The routing handle of one unit of work: a Hibernate session ({@code
 * entityManager.unwrap(BalancedSession.class)}) or a JDBC connection of a {@link
 * BalancedDataSource} ({@code connection.unwrap(BalancedSession.class)}).
 *
 * <p>Reads go to a replica until the unit of work's {@link PinningContext} is pinned; from then on
 * reads and writes go to the primary. Scopes override that for the statements run inside them and
 * nest: closing a scope restores the routing that was in force when it was opened.
 *
 * <p>A session is used by one thread at a time, like the Hibernate session it belongs to.
 */
public interface BalancedSession {

  /** The name that always means the primary. {@code "master"} is accepted as an alias. */
  String PRIMARY = "primary";

  /**
   * Sends the reads of this scope to the named node: {@code "primary"} (or {@code "master"}) for
   * the primary, or a replica's configured name. Writes always go to the primary. Inside a primary
   * scope a write is allowed in strict mode without pinning the context.
   *
   * @throws IllegalArgumentException when no node has that name; the message lists the known names
   */
  Scope usingEngine(String name);

  /**
   * Sends the reads of this scope to a replica even though the context is pinned (pindb's {@code
   * unpinned_replica}). Use it for reads that tolerate replication lag after a write.
   */
  Scope usingReplica();

  /**
   * Pins this session's {@link PinningContext} to the primary: every later read and write of the
   * context, in this and later sessions, goes to the primary. Pins are never taken back.
   */
  void pin();

  /** Whether this session's context is pinned to the primary. */
  boolean isPinned();

  /** The name of the node the next read would be sent to: {@code "primary"} or a replica name. */
  String currentEngine();

  /**
   * Why the next read goes to {@link #currentEngine()}: {@code "selector"}, {@code "pin"} (with the
   * pin's reason, e.g. {@code "pin: write intent: persist of com.example.Item"}), {@code "scope"},
   * {@code "read-your-writes"} (a consistency token rules the replicas out), {@code "read-only
   * session"}, {@code "replica unreachable"} or {@code "replica behind"} (no replica could be used,
   * so the primary serves). For display and diagnostics; the wording may change.
   */
  String routeReason();

  /** A routing override; closing it restores the previous routing. Closing twice is harmless. */
  /**
   * Each node of this session's runtime now, for a health endpoint: its state (up, down, behind), a
   * replica's measured lag, why it was last unreachable (credentials masked) and its pool's active,
   * idle and waiting counts. The primary first, then the replicas. Asks no database.
   */
  List<NodeStatus> health();

  interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
