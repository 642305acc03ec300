package dev.balanced.servlet;

/** Redis URIs in messages, without their credentials. */
final class RedisUris {
  private RedisUris() {}

  /**
   * {@code redisUri} with anything between the scheme and the last {@code @} (user and password)
   * replaced by {@code ***}, and any query (which may hold options with secrets) too.
   */
  public static String mask(String redisUri) {
    if (redisUri == null) {
      return "null";
    }
    String s = redisUri.trim();
    int query = s.indexOf('?');
    if (query >= 0) {
      s = s.substring(0, query) + "?***";
    }
    int scheme = s.indexOf("://");
    int at = s.lastIndexOf('@');
    if (at < 0) {
      return s;
    }
    int start = scheme < 0 ? 0 : scheme + 3;
    return at >= start ? s.substring(0, start) + "***" + s.substring(at) : s;
  }
}
