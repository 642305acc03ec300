package dev.balanced.servlet;

import dev.balanced.BalancedConfigurationException;

/**
 * Makes the token store named by the {@code tokenStore} init-param, which {@link FilterParams} has
 * checked. Kept apart from the filter so that Lettuce is only loaded when a Redis store is asked
 * for.
 */
final class TokenStores {
  private TokenStores() {}

  /**
   * {@code memory} or a {@code redis://}, {@code rediss://} or {@code redis-socket://} URI; {@code
   * null} for none.
   */
  static TokenStore create(String spec) {
    if (spec == null || spec.isEmpty() || spec.equalsIgnoreCase("none")) {
      return null;
    }
    if (spec.equalsIgnoreCase("memory")) {
      return new InMemoryTokenStore();
    }
    try {
      return new RedisTokenStore(spec);
    } catch (IllegalArgumentException e) {
      throw new BalancedConfigurationException(
          "Invalid value ["
              + RedisUris.mask(spec)
              + "] for "
              + FilterParams.NOUN
              + " '"
              + FilterParams.TOKEN_STORE.key()
              + "': expected a valid Redis URI such as redis://host:6379");
    } catch (NoClassDefFoundError e) {
      throw new BalancedConfigurationException(
          FilterParams.NOUN
              + " '"
              + FilterParams.TOKEN_STORE.key()
              + "' names a Redis store, but Lettuce is not on the class path: add"
              + " io.lettuce:lettuce-core to the application",
          e);
    }
  }
}
