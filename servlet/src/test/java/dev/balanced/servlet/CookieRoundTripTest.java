package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.servlet.Http.Response;
import dev.balanced.servlet.Http.SetCookie;
import dev.balanced.servlet.testing.JettyServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The token cookie, end to end under a real Jetty: a request that writes hands out a cookie
 * (HttpOnly, SameSite=Lax, Path, Max-Age); the next request sending it reads from the primary; a
 * request without it, or with a bad one, reads from a replica and never fails.
 */
class CookieRoundTripTest {
  static WebCluster cluster;
  static JettyServer shop;
  static final Http http = new Http();

  @BeforeAll
  static void start() {
    cluster = WebCluster.start();
    shop =
        JettyServer.builder()
            .contextPath("/shop")
            .filter(BalancedFilter.builder().build())
            .servlet("/items", new Probe.ReadWriteServlet(cluster))
            .start();
  }

  @AfterAll
  static void stop() {
    try {
      if (shop != null) {
        shop.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  static String cookieFromAWrite() throws Exception {
    Response post = http.post(shop.uri("/items"));
    assertEquals(200, post.status(), post.body());
    SetCookie cookie = post.cookie("balanced");
    assertNotNull(cookie, "a request that wrote sets the token cookie");
    return cookie.value();
  }

  @Test
  void aRequestThatWritesSetsTheTokenCookieWithItsAttributes() throws Exception {
    Response post = http.post(shop.uri("/items"));
    assertEquals(200, post.status());
    assertEquals("primary", post.node(), "read after its own write");
    SetCookie cookie = post.cookie("balanced");
    assertNotNull(cookie, post.headers().map().toString());
    assertFalse(cookie.value().isEmpty());
    assertTrue(cookie.has("HttpOnly"), "HttpOnly");
    assertEquals("Lax", cookie.attribute("SameSite"));
    assertEquals("/shop", cookie.attribute("Path"), "the context path");
    assertEquals("15", cookie.attribute("Max-Age"), "the token lifetime");
    assertFalse(cookie.has("Secure"), "plain http: request.isSecure() is false");
    assertEquals(
        cookie.value(), post.header("Balanced-Token"), "the same token in the header for APIs");
  }

  @Test
  void theNextRequestSendingTheCookieReadsFromThePrimary() throws Exception {
    String token = cookieFromAWrite();
    for (int i = 0; i < 5; i++) {
      Response get = http.get(shop.uri("/items"), "Cookie", "balanced=" + token);
      assertEquals(200, get.status());
      assertEquals("primary", get.node(), "read-your-writes across requests");
      assertEquals("cookie", get.value("tokenSource"));
      assertEquals("null", get.value("reason"), "not forced: the token sends it to the primary");
      assertEquals("false", get.value("pinned"), "nothing pinned the reading request");
      assertNull(get.cookie("balanced"), "an unchanged token is not set again");
    }
  }

  @Test
  void withoutTheCookieRequestsReadFromAReplica() throws Exception {
    cookieFromAWrite();
    for (int i = 0; i < 10; i++) {
      Response get = http.get(shop.uri("/items"));
      assertEquals(200, get.status());
      assertTrue(WebCluster.REPLICAS.contains(get.node()), get.body());
      assertEquals("null", get.value("tokenSource"));
      assertTrue(get.setCookies().isEmpty(), "nothing to hand out");
      assertNull(get.header("Balanced-Token"));
    }
  }

  @Test
  void otherCookiesAreLeftAlone() throws Exception {
    String token = cookieFromAWrite();
    Response get =
        http.get(shop.uri("/items"), "Cookie", "session=abc; balanced=" + token + "; theme=dark");
    assertEquals("primary", get.node());
    assertEquals("cookie", get.value("tokenSource"));
  }

  @Test
  void badCookiesNeverFailTheRequestGrantNothingAndAreExpired() throws Exception {
    String token = cookieFromAWrite();
    char last = token.charAt(token.length() - 1);
    String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    String payloadTampered = (token.charAt(0) == 'e' ? 'f' : 'e') + token.substring(1);
    List<String> bad =
        List.of(
            tampered,
            payloadTampered,
            "garbage",
            "a.b",
            "x".repeat(600),
            "x".repeat(5000) + "." + "y".repeat(100),
            "%00%0d%0a",
            "...",
            "eyJ2IjoxfQ.c2lnbmF0dXJl",
            "\"quoted\"");
    for (String value : bad) {
      Response get = http.get(shop.uri("/items"), "Cookie", "balanced=" + value);
      assertEquals(200, get.status(), "cookie " + value + ": " + get.body());
      assertTrue(
          WebCluster.REPLICAS.contains(get.node()), "a bad token grants nothing: " + get.body());
      SetCookie expired = get.cookie("balanced");
      assertNotNull(expired, "the bad cookie is expired: " + value);
      assertEquals("0", expired.attribute("Max-Age"));
      assertEquals("", expired.value());
      assertNull(get.header("Balanced-Token"));
    }
  }

  @Test
  void anExpiredTokenIsExpiredAndGrantsNothing() throws Exception {
    try (WebCluster shortPins = WebCluster.start(1);
        JettyServer app =
            JettyServer.builder()
                .filter(BalancedFilter.builder().build())
                .servlet("/items", new Probe.ReadWriteServlet(shortPins))
                .start()) {
      Response post = http.post(app.uri("/items"));
      SetCookie cookie = post.cookie("balanced");
      assertEquals("1", cookie.attribute("Max-Age"));
      assertEquals("/", cookie.attribute("Path"), "root context");
      Thread.sleep(1200);
      Response get = http.get(app.uri("/items"), "Cookie", "balanced=" + cookie.value());
      assertEquals(200, get.status());
      assertTrue(WebCluster.REPLICAS.contains(get.node()), get.body());
      assertEquals("0", get.cookie("balanced").attribute("Max-Age"));
    }
  }

  /**
   * The cookie lives exactly as long as core honours the token it holds, so no lifetime has to be
   * kept equal to pin_seconds by hand: pin_seconds=7 gives Max-Age 7, and the next write renews it.
   */
  @Test
  void theCookieLivesAsLongAsItsToken() throws Exception {
    try (WebCluster sevenSecondPins = WebCluster.start(7);
        JettyServer app =
            JettyServer.builder()
                .filter(BalancedFilter.builder().build())
                .servlet("/items", new Probe.ReadWriteServlet(sevenSecondPins))
                .start()) {
      Response post = http.post(app.uri("/items"));
      SetCookie cookie = post.cookie("balanced");
      assertEquals("7", cookie.attribute("Max-Age"));
      Response again = http.post(app.uri("/items"), "Cookie", "balanced=" + cookie.value());
      assertEquals("7", again.cookie("balanced").attribute("Max-Age"), "renewed by the new write");
    }
  }

  @Test
  void secureNameAndPathAreConfigurable() throws Exception {
    try (JettyServer app =
        JettyServer.builder()
            .contextPath("/app")
            .filter(
                BalancedFilter.builder()
                    .cookieName("rw")
                    .cookieSecure(true)
                    .cookiePath("/")
                    .build())
            .servlet("/items", new Probe.ReadWriteServlet(cluster))
            .start()) {
      Response post = http.post(app.uri("/items"));
      assertNull(post.cookie("balanced"));
      SetCookie cookie = post.cookie("rw");
      assertNotNull(cookie);
      assertTrue(cookie.has("Secure"));
      assertEquals("/", cookie.attribute("Path"));
      assertEquals(
          String.valueOf(WebCluster.DEFAULT_PIN_SECONDS),
          cookie.attribute("Max-Age"),
          "the token's own lifetime");
      Response get = http.get(app.uri("/items"), "Cookie", "rw=" + cookie.value());
      assertEquals("primary", get.node());
    }
  }
}
