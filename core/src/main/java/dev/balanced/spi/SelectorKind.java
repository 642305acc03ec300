package dev.balanced.spi;

/** The replica selection strategies, as named by {@code replica_selector}. */
public enum SelectorKind {
  RANDOM,
  ROUND_ROBIN,
  WEIGHTED
}
