package dev.balanced.internal.consistency;

import dev.balanced.PinningContext;

/**
 * Lets the internals reach a {@link PinningContext}'s internal state without making it public API.
 * {@code PinningContext} installs the accessor once, when its class initialises (the same pattern
 * as the JDK's SharedSecrets).
 */
public final class ContextAccess {

  /** What the internals may do with a context beyond its public API. */
  public interface Accessor {
    ContextConsistency consistency(PinningContext context);

    /**
     * Pins {@code context} for a write, keeping {@code operation} as the reason: its text ("write
     * intent: " + operation) is only made when someone asks for the reason.
     */
    void pinForWrite(PinningContext context, Object operation);
  }

  private static volatile Accessor accessor;

  private ContextAccess() {}

  /** Called once by {@code PinningContext}. */
  public static void install(Accessor contextAccessor) {
    if (accessor != null) {
      throw new IllegalStateException("ContextAccess is already installed");
    }
    accessor = contextAccessor;
  }

  public static ContextConsistency consistency(PinningContext context) {
    return accessor.consistency(context);
  }

  /** See {@link Accessor#pinForWrite}. */
  public static void pinForWrite(PinningContext context, Object operation) {
    accessor.pinForWrite(context, operation);
  }
}
