package dev.balanced.testing.pg;

import dev.balanced.testing.process.ClusterException;

/**
 * A PostgreSQL test cluster could not be started, controlled or cleaned up. The message says what
 * was attempted and, for a server that did not start, ends with the last lines of its log.
 */
public class PgClusterException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public PgClusterException(String message) {
    super(message);
  }

  public PgClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
