package dev.balanced.testing.process;

/**
 * A test cluster could not be started, controlled or cleaned up. The message says what was
 * attempted and, for a server that did not start, ends with the last lines of its log.
 */
public class ClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClusterException(String message) {
    super(message);
  }

  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
