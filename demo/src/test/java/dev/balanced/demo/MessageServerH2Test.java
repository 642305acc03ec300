package dev.balanced.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo on its embedded default (H2 with a lagging replica), over real HTTP. */
class MessageServerH2Test {
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

  private static long postedId(HttpResponse<String> page) {
    Matcher m = Pattern.compile("Your message #(\\d+)").matcher(page.body());
    assertTrue(m.find(), page.body());
    return Long.parseLong(m.group(1));
  }

  @Test
  void theHomePageShowsTheBoardAndHowItWasServed() throws Exception {
    HttpResponse<String> home = new DemoClient(web.port()).get("/");
    assertEquals(200, home.statusCode());
    assertTrue(home.body().contains("Leave a message for the next visitor"), home.body());
    assertTrue(
        home.body().contains("<td class=\"replica\">replica</td><td>selector</td>"), home.body());
    assertTrue(home.body().contains("This request: not pinned"), home.body());
  }

  @Test
  void aPostedMessageIsVisibleOnTheRedirectAlthoughTheReplicaLags() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    HttpResponse<String> afterPost = visitor.postAndFollow("hello from the H2 test");
    long id = postedId(afterPost);
    assertTrue(
        afterPost.body().contains("Your message #" + id + " is on the board."), afterPost.body());
    assertTrue(afterPost.body().contains("hello from the H2 test"), afterPost.body());
    assertTrue(
        afterPost.body().contains("<td class=\"primary\">primary</td><td>read-your-writes</td>"),
        afterPost.body());
    assertTrue(afterPost.body().contains("came in a cookie"), afterPost.body());

    // Another visitor, without the token, reads the lagging replica.
    HttpResponse<String> stranger = new DemoClient(web.port()).get("/?posted=" + id);
    assertTrue(stranger.body().contains("is not visible yet"), stranger.body());

    // Once replication caught up, the replica serves it to everybody.
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    String body;
    do {
      Thread.sleep(200);
      body = new DemoClient(web.port()).get("/?posted=" + id).body();
    } while (!body.contains("is on the board") && System.nanoTime() < deadline);
    assertTrue(body.contains("is on the board"), body);
    assertTrue(body.contains("<td class=\"replica\">replica</td>"), body);
  }

  @Test
  void theMasterParameterForcesThePrimaryAndIsHidden() throws Exception {
    HttpResponse<String> page = new DemoClient(web.port()).get("/?m=1");
    assertTrue(
        page.body().contains("<td class=\"primary\">primary</td><td>pin: master parameter m"),
        page.body());
    assertFalse(page.body().contains("<td class=\"replica\">"), page.body());
  }

  @Test
  void badInputIsRefusedWithAClearPageAndNothingIsStored() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    HttpResponse<String> empty = visitor.post("/messages", "   ");
    assertEquals(400, empty.statusCode());
    assertTrue(empty.body().contains("A message needs some text."), empty.body());
    HttpResponse<String> tooLong = visitor.post("/messages", "x".repeat(Message.MAX_LENGTH + 1));
    assertEquals(400, tooLong.statusCode());
    assertTrue(tooLong.body().contains("at most " + Message.MAX_LENGTH), tooLong.body());
  }

  @Test
  void messageTextIsEscaped() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    HttpResponse<String> page = visitor.postAndFollow("<script>alert(1)</script>");
    assertFalse(page.body().contains("<script>alert(1)</script>"), page.body());
    assertTrue(page.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), page.body());
    assertTrue(visitor.get("/messages").body().contains("&lt;script&gt;"));
  }
}
