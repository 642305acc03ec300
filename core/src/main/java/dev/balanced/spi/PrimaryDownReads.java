package dev.balanced.spi;

/**
 * Where reads go that would go to the primary (a pinned context, a consistency token that no
 * replica satisfies, no usable replica) while the primary cannot be reached, as named by {@code
 * primary_down_reads}.
 */
public enum PrimaryDownReads {
  /**
   * A replica serves them: one that has applied what the context must see if one has (position
   * mode), else the most advanced one known. The reader may miss its own latest write if no replica
   * received it, which is exactly what the primary promoted from that replica will have.
   */
  REPLICA,
  /** They fail with {@code PrimaryUnavailableException}, as writes do. */
  FAIL
}
