package dev.balanced.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything {@code BalancedFilter} is configured with, validated.
 *
 * @param cookieName the token cookie, {@code null} for none
 * @param headerName the token header (request and response), {@code null} for none
 * @param cookieSecure the cookie's Secure flag, {@code null} for {@code request.isSecure()}
 * @param cookiePath the cookie's Path, {@code null} for the context path ("/" for the root)
 * @param masterParams master parameter name to whether the application still sees it
 * @param masterParamsInForm whether master parameters in a form body count too
 * @param primaryPaths path prefixes (within the context) whose requests use the primary
 * @param usePrimaryAnnotation whether {@code @UsePrimary} on servlets is honoured
 * @param tokenStore per-user tokens for clients without cookies, {@code null} for none
 * @param userId the user id of a request for the token store ({@code null} result: no user)
 * @param ownsTokenStore whether the filter made the store and closes it
 */
record FilterSettings(
    String cookieName,
    String headerName,
    Boolean cookieSecure,
    String cookiePath,
    Map<String, Boolean> masterParams,
    boolean masterParamsInForm,
    List<String> primaryPaths,
    boolean usePrimaryAnnotation,
    TokenStore tokenStore,
    Function<HttpServletRequest, String> userId,
    boolean ownsTokenStore) {

  public FilterSettings {
    masterParams = Collections.unmodifiableMap(new LinkedHashMap<>(masterParams)); // in order
    primaryPaths = List.copyOf(primaryPaths);
  }

  /** A cookie name must be an RFC 6265 token; returns it, or throws saying why not. */
  public static String checkCookieName(String name) {
    if (!isToken(name) || name.startsWith("$")) {
      throw new IllegalArgumentException(
          "cookie name '"
              + printable(name)
              + "' is not an RFC 6265 token (letters, digits and !#$%&'*+-.^_`|~, not starting"
              + " with $)");
    }
    return name;
  }

  /** A header name must be an RFC 9110 token; returns it, or throws saying why not. */
  public static String checkHeaderName(String name) {
    if (!isToken(name)) {
      throw new IllegalArgumentException(
          "header name '"
              + printable(name)
              + "' is not an RFC 9110 token (letters, digits and !#$%&'*+-.^_`|~)");
    }
    return name;
  }

  /** A cookie path starts with "/" and holds no ';', whitespace or control characters. */
  public static String checkCookiePath(String path) {
    if (path == null
        || !path.startsWith("/")
        || path.chars().anyMatch(c -> c == ';' || c <= ' ' || c == 0x7f)) {
      throw new IllegalArgumentException(
          "cookie path '"
              + printable(path)
              + "' must start with / and hold no ';', whitespace or control characters");
    }
    return path;
  }

  /** A master parameter name: not blank, no control characters. Returns it trimmed. */
  public static String checkMasterParam(String name) {
    String trimmed = name == null ? "" : name.trim();
    if (trimmed.isEmpty() || trimmed.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "master parameter name '" + printable(name) + "' is blank or holds control characters");
    }
    return trimmed;
  }

  /**
   * A primary path prefix within the context: starts with "/"; a trailing "/" is dropped (except
   * for "/" itself, which matches every request).
   */
  public static String checkPrimaryPath(String prefix) {
    String trimmed = prefix == null ? "" : prefix.trim();
    if (!trimmed.startsWith("/") || trimmed.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "primary path '" + printable(prefix) + "' must start with / (a path within the context)");
    }
    while (trimmed.length() > 1 && trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }

  private static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      if (b.length() > 100) {
        return b + "...";
      }
    }
    return b.toString();
  }
}
