package dev.balanced.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * TurboGears' {@code master_params}: request parameters whose presence, with any value, sends the
 * request to the primary; hidden from the application unless configured to be kept.
 */
final class MasterParams {
  /** What a request's master parameters ask for. */
  public record Found(String reason, Set<String> hidden) {
    /** No master parameter present. */
    public static final Found NONE = new Found(null, Set.of());
  }

  private final Map<String, Boolean> keepByName;
  private final boolean inForm;

  /**
   * @param keepByName parameter name to whether the application still sees it, in configured order
   * @param inForm also look at parameters of a form body (which parses it), not only the query
   *     string
   */
  public MasterParams(Map<String, Boolean> keepByName, boolean inForm) {
    this.keepByName = new LinkedHashMap<>(keepByName);
    this.inForm = inForm;
  }

  /** The first configured master parameter present, and the present ones to hide. */
  public Found find(HttpServletRequest request) {
    if (keepByName.isEmpty()) {
      return Found.NONE;
    }
    Set<String> present = QueryStrings.names(request.getQueryString());
    present.retainAll(keepByName.keySet());
    if (inForm && present.size() < keepByName.size() && isForm(request)) {
      for (String name : keepByName.keySet()) {
        if (request.getParameterMap().containsKey(name)) {
          present.add(name);
        }
      }
    }
    if (present.isEmpty()) {
      return Found.NONE;
    }
    String reason = null;
    Set<String> hidden = new LinkedHashSet<>();
    for (Map.Entry<String, Boolean> e : keepByName.entrySet()) {
      if (present.contains(e.getKey())) {
        if (reason == null) {
          reason = "master parameter " + e.getKey();
        }
        if (!e.getValue()) {
          hidden.add(e.getKey());
        }
      }
    }
    return new Found(reason, hidden);
  }

  /** The application sees {@code request} without the hidden master parameters. */
  public static HttpServletRequest hide(HttpServletRequest request, Set<String> hidden) {
    return hidden.isEmpty() ? request : new MasterParamRequest(request, hidden);
  }

  private static boolean isForm(HttpServletRequest request) {
    String type = request.getContentType();
    return type != null
        && (type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)
            || type.regionMatches(true, 0, "multipart/form-data", 0, 19));
  }
}
