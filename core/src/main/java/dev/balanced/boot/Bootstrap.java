package dev.balanced.boot;

import dev.balanced.events.BalancedListener;
import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.routing.Router;
import dev.balanced.spi.BalancedConfiguration;
import dev.balanced.spi.BalancedRuntime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How an integration starts Balanced: reads and validates its settings, then starts the runtime
 * (pools, replica health, read-your-writes). It sits apart from {@code dev.balanced.spi}, whose
 * types the implementation implements, so that the two never depend on each other.
 */
public final class Bootstrap {
  private Bootstrap() {}

  /**
   * Whether {@code settings} ask for Balanced at all: any non-null value under {@code prefix}. Then
   * {@link #configure} requires the primary URL, so a misspelt or forgotten one fails at startup.
   */
  public static boolean isConfigured(Map<String, ?> settings, String prefix) {
    return BalancedSettings.isConfigured(settings, prefix);
  }

  /**
   * Validates every setting under {@code prefix} (other keys are ignored).
   *
   * @throws dev.balanced.BalancedConfigurationException on the first problem, naming the key, the
   *     value (masked when secret) and what was expected
   */
  public static BalancedConfiguration configure(Map<String, ?> settings, String prefix) {
    return BalancedSettings.parse(settings, prefix);
  }

  /** Starts a runtime: one pool per node, and the background work the settings ask for. */
  public static BalancedRuntime start(BalancedConfiguration configuration) {
    return Router.start(settings(configuration));
  }

  /**
   * As {@link #start(BalancedConfiguration)}, with the clock that times replica outages (in
   * nanoseconds, as {@link System#nanoTime()}), so that tests can move time instead of sleeping.
   */
  public static BalancedRuntime start(BalancedConfiguration configuration, LongSupplier nanoClock) {
    return Router.start(
        settings(configuration), Objects.requireNonNull(nanoClock, "nanoClock"), List.of());
  }

  /**
   * As {@link #start(BalancedConfiguration)}, with listeners besides those the settings name: a
   * framework's metrics, say.
   */
  public static BalancedRuntime start(
      BalancedConfiguration configuration, List<? extends BalancedListener> listeners) {
    return Router.start(settings(configuration), System::nanoTime, List.copyOf(listeners));
  }

  private static BalancedSettings settings(BalancedConfiguration configuration) {
    if (configuration instanceof BalancedSettings settings) {
      return settings;
    }
    throw new IllegalArgumentException(
        "Not a configuration made by Bootstrap.configure: " + configuration);
  }
}
