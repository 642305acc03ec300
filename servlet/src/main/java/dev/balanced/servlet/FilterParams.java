package dev.balanced.servlet;

import dev.balanced.spi.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The filter's init-params, each declared once with its default and read through core's settings
 * binder, so their messages read like core's. A name param given empty means "none", which is why
 * those parse to {@code ""} rather than to {@code null} (a refusal).
 */
final class FilterParams {
  private FilterParams() {}

  /** What an init-param is called in messages. */
  static final String NOUN = "BalancedFilter init-param";

  /** {@code cookieSecure}: the Secure flag, or the request's own security. */
  enum CookieSecure {
    AUTO,
    TRUE,
    FALSE
  }

  static final Setting<String> COOKIE_NAME =
      Setting.of(
          "cookieName",
          BalancedFilter.DEFAULT_COOKIE_NAME,
          "a cookie name (an RFC 6265 token), or empty for no cookie",
          name(FilterSettings::checkCookieName),
          "The token cookie; empty: none.");

  static final Setting<String> HEADER_NAME =
      Setting.of(
          "headerName",
          BalancedFilter.DEFAULT_HEADER_NAME,
          "a header name (an RFC 9110 token), or empty for no header",
          name(FilterSettings::checkHeaderName),
          "The token header, read on requests and written on responses; empty: none.");

  static final Setting<CookieSecure> COOKIE_SECURE =
      Setting.choice(
          "cookieSecure",
          CookieSecure.AUTO,
          CookieSecure.class,
          "The cookie's Secure flag; auto: request.isSecure().");

  static final Setting<String> COOKIE_PATH =
      Setting.of(
          "cookiePath",
          null,
          "a path starting with / without ';', whitespace or control characters",
          name(FilterSettings::checkCookiePath),
          "The cookie's Path; by default the context path, or / for the root.");

  static final Setting<Map<String, Boolean>> MASTER_PARAMS =
      Setting.of(
          "masterParams",
          null,
          "comma-separated parameter names, each optionally :keep or :hide",
          FilterParams::masterParams,
          "Parameters that force the primary, e.g. m,fresh:keep; :keep leaves one visible to the"
              + " application.");

  static final Setting<Boolean> MASTER_PARAMS_IN_FORM =
      Setting.bool(
          "masterParamsInForm",
          false,
          "Also look for master parameters in form bodies (parses the body).");

  static final Setting<List<String>> PRIMARY_PATHS =
      Setting.of(
          "primaryPaths",
          null,
          "comma-separated path prefixes within the context, each starting with /",
          text -> list(text, FilterSettings::checkPrimaryPath),
          "Path prefixes within the context whose requests use the primary, e.g. /admin,/account.");

  static final Setting<Boolean> USE_PRIMARY_ANNOTATION =
      Setting.bool("usePrimaryAnnotation", true, "Honour @UsePrimary.");

  static final Setting<String> TOKEN_STORE =
      Setting.of(
              "tokenStore",
              null,
              "none, memory or a redis://, rediss:// or redis-socket:// URI",
              FilterParams::tokenStore,
              "Per-user tokens for clients without cookies, keyed by request.getRemoteUser().")
          .displayedAs(RedisUris::mask);

  /** Every init-param, in the order the servlet README lists them. */
  static final List<Setting<?>> ALL =
      List.of(
          COOKIE_NAME,
          HEADER_NAME,
          COOKIE_SECURE,
          COOKIE_PATH,
          MASTER_PARAMS,
          MASTER_PARAMS_IN_FORM,
          PRIMARY_PATHS,
          USE_PRIMARY_ANNOTATION,
          TOKEN_STORE);

  /** Empty: {@code ""} (none); else what {@code check} accepts, with its refusal as the problem. */
  private static Function<String, String> name(UnaryOperator<String> check) {
    return text -> text.isBlank() ? "" : checked(check, text.trim());
  }

  private static String checked(UnaryOperator<String> check, String value) {
    try {
      return check.apply(value);
    } catch (IllegalArgumentException e) {
      throw new Setting.InvalidValue(e.getMessage());
    }
  }

  /** "m,fresh:keep" → {m=false, fresh=true} (name → keep), in order. */
  private static Map<String, Boolean> masterParams(String text) {
    Map<String, Boolean> result = new LinkedHashMap<>();
    for (String item : list(text, UnaryOperator.identity())) {
      boolean keep = false;
      String name = item;
      int colon = item.lastIndexOf(':');
      if (colon >= 0) {
        String option = item.substring(colon + 1).trim();
        if (!option.equalsIgnoreCase("keep") && !option.equalsIgnoreCase("hide")) {
          throw new Setting.InvalidValue(
              "'" + option + "' in '" + item + "' is neither keep nor hide");
        }
        keep = option.equalsIgnoreCase("keep");
        name = item.substring(0, colon);
      }
      name = checked(FilterSettings::checkMasterParam, name);
      if (result.put(name, keep) != null) {
        throw new Setting.InvalidValue("each name once; " + name + " is repeated");
      }
    }
    return result;
  }

  private static List<String> list(String text, UnaryOperator<String> check) {
    List<String> items = new ArrayList<>();
    if (text.isBlank()) {
      return items;
    }
    for (String item : text.split(",", -1)) {
      if (item.isBlank()) {
        throw new Setting.InvalidValue("a comma-separated list without empty items");
      }
      items.add(checked(check, item.trim()));
    }
    return items;
  }

  /** Checked for its kind only; a Redis URI is parsed when the store is made. */
  private static String tokenStore(String text) {
    String spec = text.trim();
    String lower = spec.toLowerCase(Locale.ROOT);
    boolean known =
        lower.isEmpty()
            || lower.equals("none")
            || lower.equals("memory")
            || lower.startsWith("redis://")
            || lower.startsWith("rediss://")
            || lower.startsWith("redis-socket://");
    return known ? spec : null;
  }
}
