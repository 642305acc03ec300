package dev.balanced.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;

/** Path prefixes within the context whose requests use the primary: the "filter mapping" way. */
final class PrimaryPaths {
  private final List<String> prefixes;

  /** Prefixes as {@link FilterSettings#checkPrimaryPath} returns them. */
  public PrimaryPaths(List<String> prefixes) {
    this.prefixes = List.copyOf(prefixes);
  }

  /**
   * "primary path /admin" when the request's path within the context (servlet path plus path info,
   * decoded and normalized by the container) is a prefix or lies below one; else {@code null}.
   */
  public String reason(HttpServletRequest request) {
    if (prefixes.isEmpty()) {
      return null;
    }
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    if (path.isEmpty()) {
      path = "/";
    }
    for (String prefix : prefixes) {
      if (prefix.equals("/")
          || path.equals(prefix)
          || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/')) {
        return "primary path " + prefix;
      }
    }
    return null;
  }
}
