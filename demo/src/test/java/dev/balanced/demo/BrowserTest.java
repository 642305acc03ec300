package dev.balanced.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The demo in a real headless browser: the page renders, the form posts, and the page after the
 * redirect shows the new message and that it was read from the primary. It needs Chromium, which
 * the JDK-only test command cannot assume, so it runs from its own command: {@code ./mvnw -B -pl
 * demo -am verify -Pbrowser}; CI installs Chromium and runs it.
 */
@Tag("browser")
class BrowserTest {
  private static DemoDatabase db;
  private static WebApp web;

  @BeforeAll
  static void start() throws Exception {
    db = DemoDatabase.h2();
    web = WebApp.start(db, 0, DemoDatabase.H2_LAG.plusSeconds(2));
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
          browser.evaluate("document.getElementById('queries').innerText").contains("replica"));

      browser.navigateBy(
          "document.querySelector('textarea[name=text]').value = 'hello from Chromium';"
              + " document.getElementById('leave').click();");

      String posted = browser.evaluate("document.getElementById('posted').innerText");
      assertTrue(posted.matches("Your message #\\d+ is on the board\\."), posted);
      assertEquals(
          "hello from Chromium", browser.evaluate("document.getElementById('latest').innerText"));
      String queries = browser.evaluate("document.getElementById('queries').innerText");
      assertTrue(queries.contains("primary") && queries.contains("read-your-writes"), queries);
      assertTrue(browser.evaluate("document.getElementById('token').innerText").contains("cookie"));
      browser.screenshot(Path.of("target", "browser", "after-post.png"));
    }
  }
}
