package dev.balanced.testing.pg;

/**
 * A PostgreSQL test cluster could not be started, controlled or cleaned up. The message says what
 * was attempted and, for a server that did not start, ends with the last lines of its log.
 */
public class PgClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PgClusterException(String message) {
    super(message);
  }

  public PgClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
