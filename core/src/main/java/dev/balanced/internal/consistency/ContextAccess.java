package dev.balanced.internal.consistency;

import dev.balanced.PinningContext;
import java.util.function.Function;

/**
 * Lets the internals reach a {@link PinningContext}'s consistency state without making it public
 * API. {@code PinningContext} installs the accessor once, when its class initialises (the same
 * pattern as the JDK's SharedSecrets).
 */
public final class ContextAccess {
  private static volatile Function<PinningContext, ContextConsistency> accessor;

  private ContextAccess() {}

  /** Called once by {@code PinningContext}. */
  public static void install(Function<PinningContext, ContextConsistency> contextAccessor) {
    if (accessor != null) {
      throw new IllegalStateException("ContextAccess is already installed");
    }
    accessor = contextAccessor;
  }

  public static ContextConsistency consistency(PinningContext context) {
    return accessor.apply(context);
  }
}
