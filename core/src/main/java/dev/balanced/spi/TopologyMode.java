package dev.balanced.spi;

/** How Balanced knows which node is the primary, as named by {@code topology}. */
public enum TopologyMode {
  /** As configured: {@code primary.*} is the primary, {@code replicas.<name>.*} the replicas. */
  STATIC,
  /**
   * PostgreSQL: {@code nodes.<name>.*} are servers whose roles Balanced asks every {@code
   * topology_check_ms}; writes follow a promotion without a restart.
   */
  DISCOVER
}
