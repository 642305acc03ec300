package dev.balanced;

/** What happens when a unit of work writes while its context is not pinned to the primary. */
public enum PinningMode {
  /**
   * The write pins the context to the primary; the write and every later read go there (pindb's
   * {@code GreedyPinDbRouter}). Code works unchanged; reads made before the write may have seen a
   * lagging replica, so guard read-modify-write cycles with {@code @Version}.
   */
  GREEDY,

  /**
   * The write is refused with {@link UnpinnedWriteException} before any of its SQL is sent (pindb's
   * {@code StrictPinDbRouter}). Code must {@link BalancedSession#pin() pin} before it reads what it
   * will write, so it never writes based on a stale read.
   */
  STRICT
}
