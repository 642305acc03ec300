package dev.balanced;

/**
 * A write was attempted in a read-only unit of work: a session opened read-only, or a transaction
 * whose connection or session was made read-only, as Spring does for {@code @Transactional(readOnly
 * = true)}. Nothing of the write reached the database.
 */
public class ReadOnlyWriteException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public ReadOnlyWriteException(String message) {
    super(message);
  }
}
