package dev.balanced.servlet.internal;

import dev.balanced.servlet.InMemoryTokenStore;
import dev.balanced.servlet.RedisTokenStore;
import dev.balanced.servlet.TokenStore;
import java.util.Locale;

/**
 * Makes the token store named by the {@code tokenStore} init-param. Kept apart from the filter so
 * that Lettuce is only loaded when a Redis store is asked for.
 */
public final class TokenStores {
  private TokenStores() {}

  /**
   * {@code memory} or a {@code redis://}, {@code rediss://} or {@code redis-socket://} URI; {@code
   * null} for none.
   */
  public static TokenStore create(String spec) {
    if (spec == null || spec.isEmpty() || spec.equalsIgnoreCase("none")) {
      return null;
    }
    if (spec.equalsIgnoreCase("memory")) {
      return new InMemoryTokenStore();
    }
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.startsWith("redis://")
        || lower.startsWith("rediss://")
        || lower.startsWith("redis-socket://")) {
      try {
        return new RedisTokenStore(spec);
      } catch (IllegalArgumentException e) {
        throw InitParams.bad(
            InitParams.TOKEN_STORE,
            RedisUris.mask(spec),
            "a valid Redis URI such as redis://host:6379");
      } catch (NoClassDefFoundError e) {
        throw new IllegalArgumentException(
            "BalancedFilter init-param "
                + InitParams.TOKEN_STORE
                + " names a Redis store, but Lettuce is not on the class path: add"
                + " io.lettuce:lettuce-core to the application",
            e);
      }
    }
    throw InitParams.bad(
        InitParams.TOKEN_STORE, RedisUris.mask(spec), "none, memory or a redis:// URI");
  }
}
