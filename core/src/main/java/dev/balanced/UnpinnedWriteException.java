package dev.balanced;

/**
 * A write was attempted in {@link PinningMode#STRICT strict} mode while the unit of work was not
 * pinned to the primary. Nothing of the write reached the database.
 */
public class UnpinnedWriteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String operation;

  public UnpinnedWriteException(String operation) {
    super(
        "Refused "
            + operation
            + ": the unit of work is not pinned to the primary and the pinning mode is strict."
            + " Call pin() on the BalancedSession (entityManager.unwrap(BalancedSession.class), or"
            + " connection.unwrap(BalancedSession.class) with JDBC) before reading what you will"
            + " write, or run the write inside usingEngine(\"primary\").");
    this.operation = operation;
  }

  /** The refused operation, for example {@code "persist of com.example.Item"}. */
  public String getOperation() {
    return operation;
  }
}
