package dev.balanced.servlet.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parses the filter's init-params; every mistake names the parameter, the value and the rule. */
public final class InitParams {
  public static final String COOKIE_NAME = "cookieName";
  public static final String HEADER_NAME = "headerName";
  public static final String COOKIE_SECURE = "cookieSecure";
  public static final String COOKIE_PATH = "cookiePath";
  public static final String TOKEN_LIFETIME_SECONDS = "tokenLifetimeSeconds";
  public static final String MASTER_PARAMS = "masterParams";
  public static final String MASTER_PARAMS_IN_FORM = "masterParamsInForm";
  public static final String PRIMARY_PATHS = "primaryPaths";
  public static final String USE_PRIMARY_ANNOTATION = "usePrimaryAnnotation";
  public static final String TOKEN_STORE = "tokenStore";

  public static final Set<String> KNOWN =
      Set.of(
          COOKIE_NAME,
          HEADER_NAME,
          COOKIE_SECURE,
          COOKIE_PATH,
          TOKEN_LIFETIME_SECONDS,
          MASTER_PARAMS,
          MASTER_PARAMS_IN_FORM,
          PRIMARY_PATHS,
          USE_PRIMARY_ANNOTATION,
          TOKEN_STORE);

  private final Map<String, String> params;

  public InitParams(Map<String, String> params) {
    this.params = params;
    List<String> unknown = new ArrayList<>();
    for (String key : params.keySet()) {
      if (!KNOWN.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      Collections.sort(unknown);
      List<String> known = new ArrayList<>(KNOWN);
      Collections.sort(known);
      throw new IllegalArgumentException(
          "Unknown BalancedFilter init-param " + unknown + "; known: " + known);
    }
  }

  public boolean has(String key) {
    return params.containsKey(key);
  }

  /** The value, trimmed; {@code ""} means "none" for names. */
  public String text(String key) {
    String value = params.get(key);
    return value == null ? null : value.trim();
  }

  public boolean bool(String key, boolean defaultValue) {
    String value = text(key);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(key, value, "true or false");
    };
  }

  /** {@code auto} (or absent): {@code null}; else true or false. */
  public Boolean autoBool(String key) {
    String value = text(key);
    if (value == null || value.equalsIgnoreCase("auto")) {
      return null;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw bad(key, value, "auto, true or false");
    };
  }

  public Duration seconds(String key, Duration defaultValue) {
    String value = text(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      return FilterSettings.checkTokenLifetime(Duration.ofSeconds(Long.parseLong(value)));
    } catch (NumberFormatException e) {
      throw bad(key, value, "a whole number of seconds");
    } catch (IllegalArgumentException e) {
      throw bad(key, value, "between 1 and " + Integer.MAX_VALUE);
    }
  }

  /** "m,fresh:keep" → {m=false, fresh=true} (name → keep), in order. */
  public Map<String, Boolean> masterParams() {
    Map<String, Boolean> result = new LinkedHashMap<>();
    for (String item : list(MASTER_PARAMS)) {
      boolean keep = false;
      String name = item;
      int colon = item.lastIndexOf(':');
      if (colon >= 0) {
        String option = item.substring(colon + 1).trim();
        if (!option.equalsIgnoreCase("keep") && !option.equalsIgnoreCase("hide")) {
          throw bad(MASTER_PARAMS, text(MASTER_PARAMS), "names, each optionally :keep or :hide");
        }
        keep = option.equalsIgnoreCase("keep");
        name = item.substring(0, colon);
      }
      try {
        name = FilterSettings.checkMasterParam(name);
      } catch (IllegalArgumentException e) {
        throw bad(MASTER_PARAMS, text(MASTER_PARAMS), e.getMessage());
      }
      if (result.put(name, keep) != null) {
        throw bad(MASTER_PARAMS, text(MASTER_PARAMS), "each name once; " + name + " is repeated");
      }
    }
    return result;
  }

  public List<String> primaryPaths() {
    List<String> result = new ArrayList<>();
    for (String item : list(PRIMARY_PATHS)) {
      try {
        result.add(FilterSettings.checkPrimaryPath(item));
      } catch (IllegalArgumentException e) {
        throw bad(PRIMARY_PATHS, text(PRIMARY_PATHS), e.getMessage());
      }
    }
    return result;
  }

  private List<String> list(String key) {
    String value = text(key);
    List<String> items = new ArrayList<>();
    if (value == null || value.isEmpty()) {
      return items;
    }
    for (String item : value.split(",")) {
      if (item.isBlank()) {
        throw bad(key, value, "a comma-separated list without empty items");
      }
      items.add(item.trim());
    }
    return items;
  }

  public static IllegalArgumentException bad(String key, String value, String expected) {
    return new IllegalArgumentException(
        "BalancedFilter init-param " + key + "='" + value + "': expected " + expected);
  }
}
