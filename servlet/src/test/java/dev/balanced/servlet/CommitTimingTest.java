package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.servlet.Http.Response;
import dev.balanced.servlet.Http.SetCookie;
import dev.balanced.servlet.testing.JettyServer;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token must be on the response before the response is committed, since headers and cookies
 * cannot follow. Each servlet here writes to the database and then commits its response in another
 * way; the next request sending the cookie (or header) must read from the primary. Servlets record
 * whether their response was committed before the filter's end, to prove the early path was taken.
 */
class CommitTimingTest {
  static final int LARGE = 1 << 20;
  static WebCluster cluster;
  static JettyServer app;
  static final Http http = new Http();
  static final Map<String, Boolean> committedBeforeTheEnd = new ConcurrentHashMap<>();

  /** Writes to the database, then answers the way its path says. */
  static final class CommittingServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String how = req.getPathInfo().substring(1);
      try {
        switch (how) {
          case "large-writer" -> {
            cluster.write();
            resp.setContentType("text/plain");
            PrintWriter out = resp.getWriter();
            writeLarge(out);
          }
          case "large-stream" -> {
            cluster.write();
            ServletOutputStream out = resp.getOutputStream();
            byte[] chunk = "0123456789abcdef".repeat(512).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < LARGE / chunk.length; i++) {
              out.write(chunk);
            }
          }
          case "one-large-write" -> {
            cluster.write();
            resp.getOutputStream().write(new byte[LARGE]);
          }
          case "writer-first" -> {
            // The writer is taken before the database write: the token must still carry it.
            PrintWriter out = resp.getWriter();
            out.print("starting ");
            cluster.write();
            writeLarge(out);
          }
          case "write-after-small-body" -> {
            resp.getWriter().print("a small body first, ");
            cluster.write();
            resp.getWriter().print("then the write");
          }
          case "flush" -> {
            cluster.write();
            PrintWriter out = resp.getWriter();
            out.print("flushed");
            out.flush();
          }
          case "flush-buffer" -> {
            cluster.write();
            resp.flushBuffer();
            resp.getWriter().print("after flushBuffer");
          }
          case "stream-close" -> {
            cluster.write();
            ServletOutputStream out = resp.getOutputStream();
            out.print("closed");
            out.close();
          }
          case "content-length" -> {
            cluster.write();
            resp.setContentLength(5);
            resp.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
          }
          case "redirect" -> {
            cluster.write();
            resp.sendRedirect(req.getContextPath() + "/items");
          }
          case "error" -> {
            cluster.write();
            resp.sendError(409, "conflict, but the write before it happened");
          }
          case "reset" -> {
            cluster.write();
            resp.setHeader("X-Before-Reset", "gone");
            resp.getWriter().print("discarded");
            resp.reset();
            resp.getWriter().print("after reset");
          }
          default -> throw new IllegalArgumentException(how);
        }
      } catch (SQLException e) {
        throw new IOException(e);
      }
      committedBeforeTheEnd.put(how, resp.isCommitted());
    }

    private static void writeLarge(PrintWriter out) {
      String line = "x".repeat(1023) + "\n";
      for (int i = 0; i < LARGE / line.length(); i++) {
        out.print(line);
      }
    }
  }

  @BeforeAll
  static void start() {
    cluster = WebCluster.start();
    app =
        JettyServer.builder()
            .contextPath("/app")
            .filter(BalancedFilter.builder().build())
            .servlet("/commit/*", new CommittingServlet())
            .servlet("/items", new Probe.ReadWriteServlet(cluster))
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

  @ParameterizedTest
  @ValueSource(
      strings = {
        "large-writer",
        "large-stream",
        "one-large-write",
        "writer-first",
        "flush",
        "flush-buffer",
        "stream-close",
        "content-length",
        "redirect",
        "error",
        "reset",
        "write-after-small-body"
      })
  void theTokenIsOnTheResponseWhateverCommitsIt(String how) throws Exception {
    committedBeforeTheEnd.remove(how);
    Response post = http.post(app.uri("/commit/" + how));
    SetCookie cookie = post.cookie("balanced");
    assertNotNull(cookie, how + ": no token cookie; headers " + post.headers().map());
    assertEquals("/app", cookie.attribute("Path"));
    switch (how) {
      case "redirect" -> {
        assertEquals(302, post.status());
        assertTrue(post.header("Location").endsWith("/app/items"));
      }
      case "error" -> assertEquals(409, post.status());
      case "content-length" -> assertEquals("hello", post.body());
      case "reset" -> {
        assertEquals("after reset", post.body());
        assertEquals(null, post.header("X-Before-Reset"));
      }
      case "large-writer", "writer-first", "large-stream", "one-large-write" ->
          assertTrue(post.body().length() >= LARGE, how + ": " + post.body().length());
      default -> assertEquals(200, post.status());
    }
    if (!how.equals("reset") && !how.equals("write-after-small-body")) {
      // A response with a content length is complete at its last byte: the client may see it
      // before the servlet has recorded anything.
      long deadline = System.currentTimeMillis() + 5000;
      while (!committedBeforeTheEnd.containsKey(how) && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(
          committedBeforeTheEnd.get(how),
          how + ": the response should have been committed inside the servlet");
    }

    Response next = http.get(app.uri("/items"), "Cookie", "balanced=" + cookie.value());
    assertEquals("primary", next.node(), how + ": the token carries the write");
    if (post.header("Balanced-Token") != null) {
      Response viaHeader =
          http.get(app.uri("/items"), "Balanced-Token", post.header("Balanced-Token"));
      assertEquals("primary", viaHeader.node(), how + ": the header token carries the write");
    }
  }
}
