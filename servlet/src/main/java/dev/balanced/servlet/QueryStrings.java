package dev.balanced.servlet;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads parameter names from a raw query string without touching the request body (asking the
 * request for its parameters would parse a form body, which an application may want to read as a
 * stream).
 */
final class QueryStrings {
  private QueryStrings() {}

  /** The decoded names of the parameters in {@code query}; empty for {@code null}. */
  static Set<String> names(String query) {
    Set<String> names = new LinkedHashSet<>();
    if (query == null || query.isEmpty()) {
      return names;
    }
    for (String pair : query.split("&")) {
      if (!pair.isEmpty()) {
        names.add(name(pair));
      }
    }
    return names;
  }

  /**
   * {@code query} without the pairs whose name is in {@code hidden}; {@code null} when none is
   * left.
   */
  static String without(String query, Set<String> hidden) {
    if (query == null || query.isEmpty()) {
      return query;
    }
    StringBuilder kept = new StringBuilder(query.length());
    for (String pair : query.split("&")) {
      if (pair.isEmpty() || hidden.contains(name(pair))) {
        continue;
      }
      if (kept.length() > 0) {
        kept.append('&');
      }
      kept.append(pair);
    }
    return kept.length() == 0 ? null : kept.toString();
  }

  private static String name(String pair) {
    int eq = pair.indexOf('=');
    String raw = eq < 0 ? pair : pair.substring(0, eq);
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw; // a broken %-escape: the container decides what the application sees
    }
  }
}
