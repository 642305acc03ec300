package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.servlet.testing.JettyServer;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Configuration mistakes fail at start-up with a message naming the init-param, the value and the
 * rule; the builder checks its arguments at once.
 */
class FilterConfigurationTest {

  /** The init-params web.xml would give; no servlet context needed before the first request. */
  record Config(Map<String, String> params) implements FilterConfig {
    @Override
    public String getFilterName() {
      return "balanced";
    }

    @Override
    public ServletContext getServletContext() {
      return null;
    }

    @Override
    public String getInitParameter(String name) {
      return params.get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
      return Collections.enumeration(params.keySet());
    }
  }

  static String initFails(String... keyValues) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      params.put(keyValues[i], keyValues[i + 1]);
    }
    ServletException e =
        assertThrows(ServletException.class, () -> new BalancedFilter().init(new Config(params)));
    return e.getMessage();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cookiename|balanced|Unknown BalancedFilter init-param 'cookiename': expected one of {",
        "masterParam|m|Unknown BalancedFilter init-param 'masterParam'",
        "cookieName|bal anced|cookieName",
        "cookieName|$balanced|cookieName",
        "cookieName|a;b|cookieName",
        "headerName|Balanced Token|headerName",
        "headerName|X:Y|headerName",
        "cookieSecure|yes|Invalid value [yes] for BalancedFilter init-param 'cookieSecure':"
            + " expected one of auto | true | false",
        "cookiePath|shop|cookiePath",
        "cookiePath|/a;b|cookiePath",
        "masterParams|m,,fresh|[m,,fresh] for BalancedFilter init-param 'masterParams'",
        "masterParams|m,m|m is repeated",
        "masterParams|m:maybe|'maybe' in 'm:maybe' is neither keep nor hide",
        "masterParams|:keep|[:keep] for BalancedFilter init-param 'masterParams'",
        "masterParamsInForm|1|[1] for BalancedFilter init-param 'masterParamsInForm': expected"
            + " true or false",
        "primaryPaths|admin|[admin] for BalancedFilter init-param 'primaryPaths'",
        "primaryPaths|/admin,,/x|[/admin,,/x] for BalancedFilter init-param 'primaryPaths'",
        "usePrimaryAnnotation|no|[no] for BalancedFilter init-param 'usePrimaryAnnotation'",
        "tokenStore|ftp://x|[ftp://x] for BalancedFilter init-param 'tokenStore': expected none,"
            + " memory or a redis://",
      })
  void badInitParamsFailInitSayingWhich(String key, String value, String expected) {
    String message = initFails(key, value);
    assertTrue(message.contains(expected), message);
  }

  @Test
  void aRedisUriInAMessageNeverShowsItsPassword() {
    String message = initFails("tokenStore", "rediss-no://user:s3cret@host");
    assertFalse(message.contains("s3cret"), message);
    String lettuce = initFails("tokenStore", "redis://:s3cret@host:99999");
    assertFalse(lettuce.contains("s3cret"), lettuce);
  }

  @Test
  void goodInitParamsAreAccepted() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("cookieName", "rw");
    params.put("headerName", "X-Consistency");
    params.put("cookieSecure", "auto");
    params.put("cookiePath", "/");
    params.put("masterParams", " m , fresh:keep, x:hide ");
    params.put("masterParamsInForm", "TRUE");
    params.put("primaryPaths", "/admin/, /reports");
    params.put("usePrimaryAnnotation", "false");
    params.put("tokenStore", "memory");
    BalancedFilter filter = new BalancedFilter();
    assertDoesNotThrow(() -> filter.init(new Config(params)));
    FilterSettings applied = filter.settings();
    try {
      assertEquals("rw", applied.cookieName());
      assertEquals("X-Consistency", applied.headerName());
      assertNull(applied.cookieSecure(), "auto: secure when the request is");
      assertEquals("/", applied.cookiePath());
      assertEquals(Map.of("m", false, "fresh", true, "x", false), applied.masterParams());
      assertEquals(List.of("m", "fresh", "x"), List.copyOf(applied.masterParams().keySet()));
      assertTrue(applied.masterParamsInForm());
      assertEquals(List.of("/admin", "/reports"), applied.primaryPaths(), "normalized");
      assertFalse(applied.usePrimaryAnnotation());
      assertNotNull(applied.tokenStore(), "memory");
    } finally {
      filter.destroy();
    }

    Map<String, String> off = Map.of("cookieName", "", "headerName", "", "tokenStore", "none");
    BalancedFilter none = new BalancedFilter();
    assertDoesNotThrow(() -> none.init(new Config(off)));
    assertNull(none.settings().cookieName());
    assertNull(none.settings().headerName());
    assertNull(none.settings().tokenStore());
  }

  @Test
  void theBuilderChecksAtOnce() {
    BalancedFilter.Builder b = BalancedFilter.builder();
    assertThrows(IllegalArgumentException.class, () -> b.cookieName("a b"));
    assertThrows(IllegalArgumentException.class, () -> b.cookieName(""));
    assertThrows(IllegalArgumentException.class, () -> b.headerName("a:b"));
    assertThrows(IllegalArgumentException.class, () -> b.cookiePath("relative"));
    assertThrows(IllegalArgumentException.class, () -> b.masterParam(" "));
    assertThrows(IllegalArgumentException.class, () -> b.masterParam(null));
    assertThrows(IllegalArgumentException.class, () -> b.primaryPath("admin"));
    assertThrows(NullPointerException.class, () -> b.tokenStore(null));
    assertThrows(NullPointerException.class, () -> b.tokenStore(new InMemoryTokenStore(), null));
  }

  @Test
  void aFrameworksInitParamsAreCheckedAtOnceAndApplied() {
    dev.balanced.BalancedConfigurationException unknown =
        assertThrows(
            dev.balanced.BalancedConfigurationException.class,
            () -> BalancedFilter.configured(Map.of("cookiename", "x")));
    assertTrue(unknown.getMessage().contains("'cookiename'"), unknown.getMessage());
    assertThrows(
        dev.balanced.BalancedConfigurationException.class,
        () -> BalancedFilter.configured(Map.of("cookieName", "a b")));
    BalancedFilter filter =
        BalancedFilter.configured(Map.of("cookieName", "rw", "primaryPaths", "/admin"));
    assertEquals("rw", filter.settings().cookieName());
    assertEquals(List.of("/admin"), filter.settings().primaryPaths());
  }

  @Test
  void aWebApplicationWithABadInitParamDoesNotStart() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                JettyServer.builder()
                    .filter(BalancedFilter.class, Map.of("masterParams", "m:maybe"))
                    .start());
    assertTrue(e.getMessage() != null);
  }
}
