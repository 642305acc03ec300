package dev.balanced.spi;

/** The consistency modes, as named by {@code consistency}. */
public enum Consistency {
  /** Read-your-writes inside a pinning context only. */
  SESSION,
  /** After a write, the writer reads from the primary for {@code pin_seconds}. */
  TIME,
  /** After a write, the writer reads from replicas that replayed it, else from the primary. */
  LSN
}
