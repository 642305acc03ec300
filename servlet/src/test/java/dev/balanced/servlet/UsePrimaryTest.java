package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.servlet.Http.Response;
import dev.balanced.servlet.testing.JettyServer;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Declaring the primary per handler under a real Jetty: {@link UsePrimary} on a servlet class (also
 * inherited), on one HTTP method's handler, and the {@code primaryPaths} filter setting.
 */
class UsePrimaryTest {
  static WebCluster cluster;
  static JettyServer app;
  static final Http http = new Http();

  static JettyServer.Builder servlets(JettyServer.Builder b) {
    return b.servlet("/class", new Probe.PrimaryClassServlet(cluster))
        .servlet("/inherited", new Probe.InheritingServlet(cluster))
        .servlet("/method", new Probe.PrimaryPostServlet(cluster))
        .servlet("/get", new Probe.PrimaryGetServlet(cluster))
        .servlet("/admin/*", new Probe.ReadOnlyServlet(cluster))
        .servlet("/administrator", new Probe.ReadOnlyServlet(cluster))
        .servlet("/plain", new Probe.ReadOnlyServlet(cluster));
  }

  @BeforeAll
  static void start() {
    cluster = WebCluster.start();
    app =
        servlets(
                JettyServer.builder()
                    .filter(BalancedFilter.builder().primaryPath("/admin").build()))
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

  static void assertPrimary(Response r, String reason) {
    assertEquals(200, r.status(), r.body());
    assertEquals("primary", r.node(), r.body());
    assertEquals(reason, r.value("reason"));
    assertEquals("true", r.value("pinned"));
    assertEquals(reason, r.value("pinReason"), "core's PinningContext.pinReason()");
  }

  static void assertReplica(Response r) {
    assertEquals(200, r.status(), r.body());
    assertTrue(WebCluster.REPLICAS.contains(r.node()), r.body());
    assertEquals("null", r.value("reason"));
  }

  @Test
  void onTheServletClass() throws Exception {
    assertPrimary(
        http.get(app.uri("/class")), "@UsePrimary on " + Probe.PrimaryClassServlet.class.getName());
    assertPrimary(
        http.post(app.uri("/class")),
        "@UsePrimary on " + Probe.PrimaryClassServlet.class.getName());
  }

  @Test
  void inheritedFromASuperclass() throws Exception {
    assertPrimary(
        http.get(app.uri("/inherited")),
        "@UsePrimary on " + Probe.InheritingServlet.class.getName());
  }

  @Test
  void onOneHandlerMethod() throws Exception {
    assertPrimary(
        http.post(app.uri("/method")),
        "@UsePrimary on " + Probe.PrimaryPostServlet.class.getName() + ".doPost");
    for (int i = 0; i < 5; i++) {
      assertReplica(http.get(app.uri("/method")));
    }
  }

  @Test
  void headFollowsDoGet() throws Exception {
    Response head =
        http.send(
            HttpRequest.newBuilder(app.uri("/get"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, head.status());
    assertEquals("primary", head.header("X-Node"));
    assertEquals(
        "@UsePrimary on " + Probe.PrimaryGetServlet.class.getName() + ".doGet",
        head.header("X-Reason"));
    assertPrimary(
        http.get(app.uri("/get")),
        "@UsePrimary on " + Probe.PrimaryGetServlet.class.getName() + ".doGet");
    assertReplica(http.post(app.uri("/get")));

    Response headOfPost =
        http.send(
            HttpRequest.newBuilder(app.uri("/method"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertTrue(WebCluster.REPLICAS.contains(headOfPost.header("X-Node")));
  }

  @Test
  void underAPrimaryPath() throws Exception {
    assertPrimary(http.get(app.uri("/admin")), "primary path /admin");
    assertPrimary(http.get(app.uri("/admin/users/7")), "primary path /admin");
    assertPrimary(http.get(app.uri("/admin/")), "primary path /admin");
    assertReplica(http.get(app.uri("/administrator")));
    assertReplica(http.get(app.uri("/plain")));
  }

  @Test
  void annotationsCanBeIgnoredAndPathsComeFromInitParams() throws Exception {
    try (JettyServer byInitParams =
        servlets(
                JettyServer.builder()
                    .filter(
                        BalancedFilter.class,
                        Map.of("usePrimaryAnnotation", "false", "primaryPaths", "/plain, /admin/")))
            .start()) {
      assertReplica(http.get(byInitParams.uri("/class")));
      assertReplica(http.post(byInitParams.uri("/method")));
      assertPrimary(http.get(byInitParams.uri("/plain")), "primary path /plain");
      assertPrimary(http.get(byInitParams.uri("/admin/x")), "primary path /admin");
      assertReplica(http.get(byInitParams.uri("/administrator")));
    }
  }
}
