package dev.balanced.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request as the application sees it when master parameters were present: the hidden ones are
 * gone from {@code getParameter}, {@code getParameterValues}, {@code getParameterNames}, {@code
 * getParameterMap} and {@code getQueryString}.
 */
final class MasterParamRequest extends HttpServletRequestWrapper {
  private final Set<String> hidden;

  MasterParamRequest(HttpServletRequest request, Set<String> hidden) {
    super(request);
    this.hidden = Set.copyOf(hidden);
  }

  @Override
  public String getParameter(String name) {
    return hidden.contains(name) ? null : super.getParameter(name);
  }

  @Override
  public String[] getParameterValues(String name) {
    return hidden.contains(name) ? null : super.getParameterValues(name);
  }

  @Override
  public Enumeration<String> getParameterNames() {
    List<String> names = new ArrayList<>();
    for (Enumeration<String> e = super.getParameterNames(); e.hasMoreElements(); ) {
      String name = e.nextElement();
      if (!hidden.contains(name)) {
        names.add(name);
      }
    }
    return Collections.enumeration(names);
  }

  @Override
  public Map<String, String[]> getParameterMap() {
    Map<String, String[]> visible = new LinkedHashMap<>(super.getParameterMap());
    visible.keySet().removeAll(hidden);
    return Collections.unmodifiableMap(visible);
  }

  @Override
  public String getQueryString() {
    return QueryStrings.without(super.getQueryString(), hidden);
  }
}
