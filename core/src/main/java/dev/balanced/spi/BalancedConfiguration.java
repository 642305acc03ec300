package dev.balanced.spi;

/**
 * A validated configuration, as an integration may look at it before it starts a {@link
 * BalancedRuntime} from it: to check its framework's own settings against the primary's, say.
 */
public interface BalancedConfiguration {

  /** The prefix the settings were read under, e.g. {@code hibernate.balanced.}. */
  String prefix();

  /** The primary, as configured. */
  ConfiguredNode primary();
}
