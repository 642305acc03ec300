package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.servlet.Http.Response;
import dev.balanced.servlet.testing.JettyServer;
import dev.balanced.servlet.testing.RedisServer;
import dev.balanced.testing.CapturedLog;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The filter with a token store, for clients without cookies, under a real Jetty: a user's write is
 * seen by that user's next request (not by others'), through the in-memory store and through a real
 * Redis; when Redis stops mid-test, requests still work and read from a replica.
 */
class TokenStoreFilterTest {
  static WebCluster cluster;
  static RedisServer redis;
  static final Http http = new Http();

  @BeforeAll
  static void start() {
    cluster = WebCluster.start();
    redis = RedisServer.start();
  }

  @AfterAll
  static void stop() {
    try {
      if (redis != null) {
        redis.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** Users identified by an X-User header; no cookie and no token header in play. */
  static JettyServer app(TokenStore store) {
    return JettyServer.builder()
        .filter(
            BalancedFilter.builder()
                .cookieName(null)
                .headerName(null)
                .tokenStore(store, request -> request.getHeader("X-User"))
                .build())
        .servlet("/items", new Probe.ReadWriteServlet(cluster))
        .start();
  }

  static void assertReplica(Response r) {
    assertEquals(200, r.status(), r.body());
    assertTrue(WebCluster.REPLICAS.contains(r.node()), r.body());
  }

  static void readYourWritesPerUser(JettyServer app, TokenStore store) throws Exception {
    Response post = http.post(app.uri("/items"), "X-User", "alice");
    assertEquals(200, post.status());
    assertTrue(post.setCookies().isEmpty());
    assertNull(post.header("Balanced-Token"));
    assertNotNull(store.get("alice"), "the token went into the store");

    Response alice = http.get(app.uri("/items"), "X-User", "alice");
    assertEquals("primary", alice.node(), "alice reads her write");
    assertEquals("store", alice.value("tokenSource"));

    assertReplica(http.get(app.uri("/items"), "X-User", "bob"));
    assertReplica(http.get(app.uri("/items")));
    assertReplica(http.get(app.uri("/items"), "X-User", " "));
    assertReplica(http.get(app.uri("/items"), "X-User", "x".repeat(300)));
  }

  @Test
  void inMemory() throws Exception {
    InMemoryTokenStore store = new InMemoryTokenStore();
    try (JettyServer app = app(store)) {
      readYourWritesPerUser(app, store);
    }
  }

  @Test
  void inRedisAlsoWhenRedisStopsMidTest() throws Exception {
    CapturedLog log = CapturedLog.start();
    try (log;
        RedisTokenStore store =
            new RedisTokenStore(redis.uri(), "filter-test:", RedisTokenStore.DEFAULT_TIMEOUT);
        JettyServer app = app(store)) {
      readYourWritesPerUser(app, store);

      redis.stop();
      try {
        Response alice = http.get(app.uri("/items"), "X-User", "alice");
        assertReplica(alice); // the store grants nothing while it is down
        assertEquals("null", alice.value("tokenSource"));
        Response write = http.post(app.uri("/items"), "X-User", "alice");
        assertEquals(200, write.status(), "writes work without the store");
        assertEquals("primary", write.node());
      } finally {
        redis.restart();
      }
      RedisTokenStoreTest.eventually(
          () -> {
            try {
              http.post(app.uri("/items"), "X-User", "carol");
              return "primary".equals(http.get(app.uri("/items"), "X-User", "carol").node());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          },
          "read-your-writes through Redis once it is back");
    }
    log.assertLine("WARN", "RedisTokenStore", "tokens of users without a cookie are not kept");
    log.assertLine("INFO", "RedisTokenStore", "answers again");
  }

  @Test
  void aFailingUserIdResolverOrStoreNeverFailsTheRequest() throws Exception {
    TokenStore broken =
        new TokenStore() {
          @Override
          public String get(String userId) {
            throw new IllegalStateException("broken store");
          }

          @Override
          public void put(String userId, String token, java.time.Duration ttl) {
            throw new IllegalStateException("broken store");
          }

          @Override
          public void remove(String userId) {
            throw new IllegalStateException("broken store");
          }
        };
    CapturedLog log = CapturedLog.start();
    try (log;
        JettyServer brokenStore = app(broken);
        JettyServer brokenResolver =
            JettyServer.builder()
                .filter(
                    BalancedFilter.builder()
                        .tokenStore(
                            new InMemoryTokenStore(),
                            request -> {
                              throw new IllegalStateException("broken resolver");
                            })
                        .build())
                .servlet("/items", new Probe.ReadWriteServlet(cluster))
                .start()) {
      assertEquals(200, http.post(brokenStore.uri("/items"), "X-User", "alice").status());
      assertReplica(http.get(brokenStore.uri("/items"), "X-User", "alice"));
      Response post = http.post(brokenResolver.uri("/items"));
      assertEquals(200, post.status());
      assertNotNull(post.cookie("balanced"), "the cookie still works");
      assertReplica(http.get(brokenResolver.uri("/items")));
    }
    log.assertLine("WARN", "failed to store a token", "broken store");
  }

  /** Authenticates every request as the user named by X-User, as a container login would. */
  public static final class LoginFilter implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest request = (HttpServletRequest) req;
      String user = request.getHeader("X-User");
      chain.doFilter(
          new HttpServletRequestWrapper(request) {
            @Override
            public String getRemoteUser() {
              return user;
            }
          },
          res);
    }
  }

  @Test
  void configuredByInitParamsKeyedByTheRemoteUser() throws Exception {
    try (JettyServer byWebXml =
        JettyServer.builder()
            .filter(new LoginFilter())
            .filter(
                BalancedFilter.class,
                Map.of("tokenStore", redis.uri(), "cookieName", "", "headerName", ""))
            .servlet("/items", new Probe.ReadWriteServlet(cluster))
            .start()) {
      Response post = http.post(byWebXml.uri("/items"), "X-User", "dave");
      assertTrue(post.setCookies().isEmpty());
      assertEquals("primary", http.get(byWebXml.uri("/items"), "X-User", "dave").node());
      assertReplica(http.get(byWebXml.uri("/items"), "X-User", "erin"));
    }
  }
}
