package dev.balanced.events;

/**
 * Told what Balanced decides, as immutable events: where a unit of work reads and why, pins,
 * refused and switching writes, consistency tokens, and replica health. Metrics are one such
 * listener ({@code dev.balanced.metrics.BalancedMetrics}); an application may log the events as
 * JSON, send them to tracing, or assert on them in its tests.
 *
 * <p>Register listeners with the setting {@code hibernate.balanced.listeners} (class names with a
 * public no-argument constructor, comma-separated), or as instances under that key in the settings
 * map, or in {@code BalancedDataSource}'s properties.
 *
 * <p>Methods are called on the thread that made the decision, often in the middle of a statement:
 * keep them quick and never block. A listener cannot break routing: an exception it throws is
 * logged once (WARN, on {@code dev.balanced.events}) and ignored.
 */
public interface BalancedListener {

  /** A runtime (a SessionFactory's, a {@code BalancedDataSource}'s) started its pools. */
  default void started(Started event) {}

  /** A unit of work's first read went to {@code event.node()}. */
  default void readNodeChosen(ReadNodeChosen event) {}

  /** A context was pinned to the primary. */
  default void pinned(Pinned event) {}

  /** Strict mode refused a write in an unpinned context. */
  default void writeRefused(WriteRefused event) {}

  /** A unit of work that had read from a replica wrote, and moved to the primary. */
  default void switchedToPrimary(SwitchedToPrimary event) {}

  /**
   * A unit of work had writes to see (a consistency token, or its context's earlier commits), and
   * this is where that sent it; or a token was refused.
   */
  default void tokenDecided(TokenDecision event) {}

  /** A node became unreachable, reachable again, or too far behind. */
  default void nodeStateChanged(NodeStateChanged event) {}
}
