package dev.balanced.spi;

/** The consistency modes, as named by {@code consistency}. */
public enum Consistency {
  /** Read-your-writes inside a pinning context only. */
  SESSION,
  /** After a write, the writer reads from the primary for {@code pin_seconds}. */
  TIME,
  /**
   * After a write, the writer reads from replicas that have applied it, else from the primary: by
   * replication position, WAL on PostgreSQL, GTID on MariaDB.
   */
  POSITION,
  /** {@link #POSITION} under the name PostgreSQL users know it by; the same mode. */
  LSN;

  /** Whether tokens carry a replication position: {@link #POSITION} and {@link #LSN}. */
  public boolean byPosition() {
    return this == POSITION || this == LSN;
  }
}
