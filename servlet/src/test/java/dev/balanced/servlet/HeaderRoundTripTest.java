package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.servlet.Http.Response;
import dev.balanced.servlet.testing.JettyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The token header for API clients, end to end under a real Jetty: the response of a writing
 * request carries {@code Balanced-Token}; a request sending it back reads from the primary; the
 * header wins over the cookie when both hold a well-formed token.
 */
class HeaderRoundTripTest {
  static WebCluster cluster;
  static JettyServer api;
  static final Http http = new Http();

  @BeforeAll
  static void start() {
    cluster = WebCluster.start();
    api =
        JettyServer.builder()
            .filter(BalancedFilter.builder().build())
            .servlet("/items", new Probe.ReadWriteServlet(cluster))
            .start();
  }

  @AfterAll
  static void stop() {
    try {
      if (api != null) {
        api.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  static String tokenFromAWrite() throws Exception {
    Response post = http.post(api.uri("/items"));
    assertEquals(200, post.status());
    String token = post.header("Balanced-Token");
    assertNotNull(token, "a writing request's response carries the token header");
    return token;
  }

  @Test
  void theHeaderCarriesReadYourWritesAcrossRequests() throws Exception {
    String token = tokenFromAWrite();
    Response get = http.get(api.uri("/items"), "Balanced-Token", token);
    assertEquals(200, get.status());
    assertEquals("primary", get.node());
    assertEquals("header", get.value("tokenSource"));
    assertEquals(token, get.header("Balanced-Token"), "handed back for the next call");
    assertEquals(
        token, get.cookie("balanced").value(), "the cookie is set too: the request had none");

    Response without = http.get(api.uri("/items"));
    assertTrue(WebCluster.REPLICAS.contains(without.node()));
    assertNull(without.header("Balanced-Token"));
  }

  @Test
  void theHeaderWinsOverTheCookie() throws Exception {
    String token = tokenFromAWrite();
    String tampered = token.substring(0, token.length() - 2) + "zz";

    Response validHeader =
        http.get(api.uri("/items"), "Balanced-Token", token, "Cookie", "balanced=" + tampered);
    assertEquals("primary", validHeader.node());
    assertEquals("header", validHeader.value("tokenSource"));
    assertEquals(token, validHeader.cookie("balanced").value(), "the cookie is set right");

    Response tamperedHeader =
        http.get(api.uri("/items"), "Balanced-Token", tampered, "Cookie", "balanced=" + token);
    assertEquals(200, tamperedHeader.status());
    assertTrue(
        WebCluster.REPLICAS.contains(tamperedHeader.node()),
        "the header wins even when the cookie would grant more");
    assertEquals("header", tamperedHeader.value("tokenSource"));
  }

  @Test
  void aMalformedHeaderIsIgnoredAndTheCookieUsed() throws Exception {
    String token = tokenFromAWrite();
    Response get =
        http.get(
            api.uri("/items"),
            "Balanced-Token",
            "not a token; at all",
            "Cookie",
            "balanced=" + token);
    assertEquals(200, get.status());
    assertEquals("primary", get.node());
    assertEquals("cookie", get.value("tokenSource"));
  }

  @Test
  void badHeadersNeverFailTheRequestAndGrantNothing() throws Exception {
    String token = tokenFromAWrite();
    for (String bad :
        new String[] {
          token.substring(1),
          token + "x",
          "garbage",
          "x".repeat(513),
          "x".repeat(6_000), // Jetty's request header limit is 8 KiB: this still reaches us
          "a.b.c",
          "\u00e9t\u00e9",
          " "
        }) {
      Response get = http.get(api.uri("/items"), "Balanced-Token", bad);
      assertEquals(200, get.status(), get.body());
      assertTrue(WebCluster.REPLICAS.contains(get.node()), get.body());
      assertNull(get.header("Balanced-Token"), "nothing to hand back");
      assertTrue(get.setCookies().isEmpty(), "no cookie came in, none is expired");
    }
  }

  @Test
  void cookieAndHeaderCanEachBeSwitchedOff() throws Exception {
    try (JettyServer headerOnly =
            JettyServer.builder()
                .filter(BalancedFilter.builder().cookieName(null).build())
                .servlet("/items", new Probe.ReadWriteServlet(cluster))
                .start();
        JettyServer cookieOnly =
            JettyServer.builder()
                .filter(BalancedFilter.builder().headerName(null).build())
                .servlet("/items", new Probe.ReadWriteServlet(cluster))
                .start()) {
      Response a = http.post(headerOnly.uri("/items"));
      assertNotNull(a.header("Balanced-Token"));
      assertTrue(a.setCookies().isEmpty());
      Response cookieIgnored =
          http.get(headerOnly.uri("/items"), "Cookie", "balanced=" + a.header("Balanced-Token"));
      assertTrue(WebCluster.REPLICAS.contains(cookieIgnored.node()));

      Response b = http.post(cookieOnly.uri("/items"));
      assertNull(b.header("Balanced-Token"));
      assertNotNull(b.cookie("balanced"));
      Response headerIgnored =
          http.get(cookieOnly.uri("/items"), "Balanced-Token", b.cookie("balanced").value());
      assertTrue(WebCluster.REPLICAS.contains(headerIgnored.node()));
    }
  }
}
