package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.servlet.Http.Response;
import dev.balanced.servlet.testing.JettyServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TurboGears' {@code master_params} under a real Jetty: {@code ?m=1} sends the request to the
 * primary and the application does not see {@code m}; a parameter configured {@code :keep} also
 * forces the primary and stays visible.
 */
class MasterParamsTest {
  static WebCluster cluster;
  static JettyServer app;
  static final Http http = new Http();

  @BeforeAll
  static void start() {
    cluster = WebCluster.start();
    app =
        JettyServer.builder()
            .filter(BalancedFilter.builder().masterParam("m").masterParam("fresh", true).build())
            .servlet("/items", new Probe.ReadOnlyServlet(cluster))
            .start();
  }

  @AfterAll
  static void stop() {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  static void assertReplica(Response r) {
    assertEquals(200, r.status(), r.body());
    assertTrue(WebCluster.REPLICAS.contains(r.node()), r.body());
    assertEquals("null", r.value("reason"));
  }

  @Test
  void mForcesThePrimaryAndIsHiddenFromTheApplication() throws Exception {
    Response r = http.get(app.uri("/items?x=2&m=1&y=3"));
    assertEquals(200, r.status());
    assertEquals("primary", r.node());
    assertEquals("master parameter m", r.value("reason"));
    assertEquals("true", r.value("pinned"), "the filter pinned the request's context");
    assertEquals("master parameter m", r.value("pinReason"));
    assertEquals("null", r.value("m"), "getParameter(\"m\")");
    assertEquals("null", r.value("mValues"), "getParameterValues(\"m\")");
    assertEquals("x,y", r.value("names"), "getParameterNames()");
    assertEquals("x,y", r.value("mapKeys"), "getParameterMap()");
    assertEquals("x=2&y=3", r.value("query"), "getQueryString()");
    assertTrue(r.setCookies().isEmpty(), "forcing the primary writes nothing: no token");
  }

  @Test
  void anyValueOrNoneCounts() throws Exception {
    for (String query : new String[] {"m", "m=", "m=0", "m=false", "m=1&m=2", "%6D=1"}) {
      Response r = http.get(app.uri("/items?" + query));
      assertEquals("primary", r.node(), query);
      assertEquals("null", r.value("m"), query);
      assertEquals("", r.value("names"), query);
      assertEquals("null", r.value("query"), query);
    }
  }

  @Test
  void aKeptMasterParamForcesThePrimaryAndStaysVisible() throws Exception {
    Response r = http.get(app.uri("/items?fresh=yes&x=1"));
    assertEquals("primary", r.node());
    assertEquals("master parameter fresh", r.value("reason"));
    assertEquals("yes", r.value("fresh"));
    assertEquals("fresh,x", r.value("names"));
    assertEquals("fresh,x", r.value("mapKeys"));
    assertEquals("fresh=yes&x=1", r.value("query"));

    Response both = http.get(app.uri("/items?fresh=1&m=1"));
    assertEquals("primary", both.node());
    assertEquals("master parameter m", both.value("reason"), "the first configured one");
    assertEquals("null", both.value("m"));
    assertEquals("1", both.value("fresh"));
    assertEquals("fresh=1", both.value("query"));
  }

  @Test
  void withoutAMasterParamRequestsReadFromAReplica() throws Exception {
    for (String query : new String[] {"", "?x=1", "?mm=1", "?M=1", "?xm=1", "?m_=1", "?x=m"}) {
      Response r = http.get(app.uri("/items" + query));
      assertReplica(r);
    }
  }

  @Test
  void aFormFieldIsNotAMasterParamUnlessConfigured() throws Exception {
    Response r = http.postForm(app.uri("/items"), "m=1&x=2");
    assertReplica(r);
    assertEquals("1", r.value("m"), "an ordinary form field, left to the application");

    try (JettyServer inForm =
        JettyServer.builder()
            .filter(BalancedFilter.builder().masterParam("m").masterParamsInForm(true).build())
            .servlet("/items", new Probe.ReadOnlyServlet(cluster))
            .start()) {
      Response f = http.postForm(inForm.uri("/items"), "m=1&x=2");
      assertEquals("primary", f.node());
      assertEquals("master parameter m", f.value("reason"));
      assertEquals("null", f.value("m"));
      assertEquals("x", f.value("names"));
    }
  }

  @Test
  void configuredByInitParams() throws Exception {
    try (JettyServer byWebXml =
        JettyServer.builder()
            .filter(BalancedFilter.class, Map.of("masterParams", "m, fresh:keep"))
            .servlet("/items", new Probe.ReadOnlyServlet(cluster))
            .start()) {
      Response m = http.get(byWebXml.uri("/items?m=1&a=b"));
      assertEquals("primary", m.node());
      assertEquals("null", m.value("m"));
      assertEquals("a=b", m.value("query"));
      Response fresh = http.get(byWebXml.uri("/items?fresh=1"));
      assertEquals("primary", fresh.node());
      assertEquals("1", fresh.value("fresh"));
      assertReplica(http.get(byWebXml.uri("/items?a=b")));
    }
  }
}
