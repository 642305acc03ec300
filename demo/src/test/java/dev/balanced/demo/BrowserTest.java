package dev.balanced.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The demo in a real headless browser: the page renders with its stylesheet and says what to try,
 * the form posts, and the page after the redirect shows, on screen, that the new message is on the
 * board, when it was posted as a person says it, and that it was read from the primary and why. It
 * needs Chromium, which the JDK-only test command cannot assume, so it runs from its own command:
 * {@code ./mvnw -B -pl demo -am verify -Pbrowser}; CI installs Chromium and runs it.
 */
@Tag("browser")
class BrowserTest {
  private static DemoDatabase db;
  private static WebApp web;

  @BeforeAll
  static void start() throws Exception {
    db = DemoDatabase.h2();
    web = WebApp.start(db, 0);
  }

  @AfterAll
  static void stop() throws Exception {
    try (DemoDatabase d = db;
        WebApp w = web) {
      // closes both
    }
  }

  @Test
  void aVisitorLeavesAMessageAndSeesItAfterTheRedirect() throws Exception {
    try (Chromium browser = Chromium.launch()) {
      browser.open("http://127.0.0.1:" + web.port() + "/");
      assertEquals(
          "Anonymous Message Server", browser.evaluate("document.querySelector('h1').innerText"));
      assertTrue(
          browser
              .evaluate("document.getElementById('try').innerText")
              .startsWith("Try it: leave a message, then open this page in a private window"));
      assertEquals("true", browser.evaluate(onScreen("try")), "the line that says what to try");
      // The page's own stylesheet applies: the header is dark, the text is not in Times.
      assertEquals(
          "rgb(31, 36, 48)",
          browser.evaluate(
              "getComputedStyle(document.querySelector('.masthead')).backgroundColor"));
      String queries = browser.evaluate("document.getElementById('queries').innerText");
      assertTrue(queries.contains("replica") && queries.contains("selector"), queries);
      // The cluster panel draws: a table of the nodes, and a chart with a line per node.
      String cluster = browser.evaluate("document.getElementById('cluster').textContent");
      assertTrue(cluster.contains("The cluster right now") && cluster.contains("up"), cluster);
      assertEquals(
          "2",
          browser.evaluate("String(document.querySelectorAll('#reads-chart polyline').length)"));
      assertEquals(
          "true",
          browser.evaluate(
              "String(document.getElementById('reads-chart').getBoundingClientRect().height > 50)"),
          "the chart takes room on the page");
      long primaryReadsBefore = Long.parseLong(browser.evaluate(readsShown("primary")));
      assertTrue(queries.contains("the replica selector picked a replica to read"), queries);

      browser.navigateBy(
          "document.querySelector('textarea[name=text]').value = 'hello from Chromium';"
              + " document.getElementById('leave').click();");

      String posted = browser.evaluate("document.getElementById('posted').innerText");
      assertTrue(posted.matches("(?s)Your message #\\d+ is on the board\\.\\s.*"), posted);
      assertTrue(posted.contains("This page read it from the primary"), posted);
      assertEquals("true", browser.evaluate(onScreen("posted")), "the confirmation is on screen");
      assertEquals(
          "rgb(233, 247, 240)",
          browser.evaluate("getComputedStyle(document.getElementById('posted')).backgroundColor"),
          "the confirmation stands out in green");
      assertEquals(
          "hello from Chromium", browser.evaluate("document.getElementById('latest').innerText"));
      String when = browser.evaluate("document.getElementById('latest-time').innerText");
      assertTrue(when.matches("just now|\\d+ seconds ago"), when);
      String exact =
          browser.evaluate("document.querySelector('#latest-time time').getAttribute('title')");
      assertTrue(exact.matches("\\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d{2}:\\d{2}:\\d{2} .+"), exact);
      queries = browser.evaluate("document.getElementById('queries').innerText");
      assertTrue(queries.contains("primary") && queries.contains("read-your-writes"), queries);
      assertTrue(queries.contains("Your browser sent the consistency token of your post"), queries);
      String token = browser.evaluate("document.getElementById('request').innerText");
      assertTrue(token.contains("Consistency token: came in a cookie"), token);
      assertTrue(token.contains("read-your-writes"), token);
      assertTrue(
          Long.parseLong(browser.evaluate(readsShown("primary"))) > primaryReadsBefore,
          "the panel counted the page after the post on the primary");
      browser.screenshot(Path.of("target", "browser", "after-post.png"));
    }
  }

  /** The reads in the last minute that the cluster panel shows for {@code node}. */
  private static String readsShown(String node) {
    return "document.querySelector('#nodes tr[data-node=\\'" + node + "\\'] .count').innerText";
  }

  /** Whether the element is displayed and its top lies within the first screenful. */
  private static String onScreen(String id) {
    return "(() => { const e = document.getElementById('"
        + id
        + "'); const r = e.getBoundingClientRect();"
        + " return String(r.height > 0 && r.top >= 0 && r.top < window.innerHeight"
        + " && getComputedStyle(e).visibility === 'visible'); })()";
  }
}
