package dev.balanced.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo on its embedded default (H2 with a lagging replica), over real HTTP. */
class MessageServerH2Test {
  /** A time as a machine writes it (2026-12-03T14:03:21Z), which a visitor should not see. */
  private static final Pattern RAW_INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");

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

  private static long postedId(HttpResponse<String> page) {
    Matcher m = Pattern.compile("Your message #(\\d+)").matcher(page.body());
    assertTrue(m.find(), page.body());
    return Long.parseLong(m.group(1));
  }

  private static void assertRow(List<String> rows, String expected) {
    assertTrue(rows.stream().anyMatch(r -> r.startsWith(expected)), () -> expected + " in " + rows);
  }

  @Test
  void theHomePageSaysWhatToTryAndExplainsHowItWasServed() throws Exception {
    HttpResponse<String> home = new DemoClient(web.port()).get("/");
    assertEquals(200, home.statusCode());
    String seen = SeenText.of(home.body());
    assertTrue(
        seen.contains(
            "Try it: leave a message, then open this page in a private window: it shows up there"
                + " 3 s later."),
        seen);
    assertTrue(seen.contains("Leave a message for the next visitor"), seen);
    assertTrue(
        seen.contains(
            "primary the database every write goes to · replica a replica: a copy of the primary"
                + " that gets each write 3 s late"),
        seen);
    List<String> rows = SeenText.servedRows(home.body());
    assertRow(
        rows,
        "select the latest message replica selector Nothing here needs the primary, so the"
            + " replica selector picked a replica to read.");
    // Explained where it first appears, not again on every row.
    assertTrue(
        rows.stream().anyMatch(r -> r.matches("count the messages replica selector \\d+ in all")),
        rows::toString);
    assertTrue(seen.contains("This request: not pinned A pinned request reads from"), seen);
    assertTrue(
        seen.contains(
            "Consistency token: none came with this request After a write, Balanced hands the"
                + " browser a consistency token"),
        seen);
  }

  @Test
  void thePagesHaveTheirOwnStylesheet() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    assertTrue(
        visitor.get("/").body().contains("<link rel=\"stylesheet\" href=\"/demo.css\">"),
        "the page links its stylesheet");
    HttpResponse<String> css = visitor.get("/demo.css");
    assertEquals(200, css.statusCode());
    assertEquals(
        "text/css;charset=utf-8",
        css.headers().firstValue("Content-Type").orElseThrow().toLowerCase().replace(" ", ""));
    assertTrue(css.body().contains(".notice.ok"), css.body());
    assertFalse(css.body().contains("@import") || css.body().contains("url("), css.body());
  }

  @Test
  void aPostedMessageIsVisibleOnTheRedirectAlthoughTheReplicaLags() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    HttpResponse<String> afterPost = visitor.postAndFollow("hello from the H2 test");
    long id = postedId(afterPost);
    String seen = SeenText.of(afterPost.body());
    assertTrue(
        seen.contains(
            "Your message #"
                + id
                + " is on the board. This page read it from the primary, where it was written:"
                + " your browser brought back the token of your post"),
        seen);
    assertTrue(seen.contains("hello from the H2 test message #" + id + " · posted"), seen);
    assertRow(
        SeenText.servedRows(afterPost.body()),
        "select the latest message primary read-your-writes Your browser sent the consistency"
            + " token of your post");
    assertTrue(seen.contains("Consistency token: came in a cookie"), seen);

    // Another visitor, without the token, reads the lagging replica.
    String stranger = SeenText.of(new DemoClient(web.port()).get("/?posted=" + id).body());
    assertTrue(
        stranger.contains(
            "Your message #"
                + id
                + " is not visible yet: this page read a lagging replica. This window has no"
                + " token from the post, so this page read the replica"),
        stranger);

    // Once replication caught up, the replica serves it to everybody.
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    String body;
    do {
      Thread.sleep(200);
      body = new DemoClient(web.port()).get("/?posted=" + id).body();
    } while (!body.contains("is on the board") && System.nanoTime() < deadline);
    assertTrue(
        SeenText.of(body)
            .contains("is on the board. This page read it from the replica, which has it by now."),
        body);
    assertRow(SeenText.servedRows(body), "find message #" + id + " replica selector");
  }

  @Test
  void timesReadAsHowLongAgoNotAsTimestamps() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    String home = SeenText.of(visitor.postAndFollow("what time is it?").body());
    assertTrue(
        Pattern.compile("what time is it\\? message #\\d+ · posted (just now|\\d+ seconds ago)")
            .matcher(home)
            .find(),
        home);
    assertFalse(RAW_INSTANT.matcher(home).find(), home);
    String all = SeenText.of(visitor.get("/messages").body());
    assertTrue(
        Pattern.compile("what time is it\\? message #\\d+ · posted (just now|\\d+ seconds ago)")
            .matcher(all)
            .find(),
        all);
    assertFalse(RAW_INSTANT.matcher(all).find(), all);
  }

  @Test
  void theMasterParameterForcesThePrimaryAndIsHidden() throws Exception {
    HttpResponse<String> page = new DemoClient(web.port()).get("/?m=1");
    List<String> rows = SeenText.servedRows(page.body());
    assertRow(
        rows,
        "select the latest message primary pin: master parameter m This request is pinned to the"
            + " primary, so all its reads go there: the address asked for it (?m=1).");
    assertTrue(rows.stream().noneMatch(r -> r.contains(" replica ")), rows::toString);
    assertTrue(
        SeenText.of(page.body())
            .contains("This request: pinned to the primary: master parameter m"),
        page.body());
  }

  @Test
  void badInputIsRefusedWithAClearPageAndNothingIsStored() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    long before = count(visitor);
    HttpResponse<String> empty = visitor.post("/messages", "   ");
    assertEquals(400, empty.statusCode());
    assertTrue(
        SeenText.of(empty.body()).contains("A message needs some text. Nothing was posted."),
        empty.body());
    HttpResponse<String> tooLong = visitor.post("/messages", "x".repeat(Message.MAX_LENGTH + 1));
    assertEquals(400, tooLong.statusCode());
    assertTrue(tooLong.body().contains("at most " + Message.MAX_LENGTH), tooLong.body());
    assertEquals(before, count(new DemoClient(web.port()).get("/?m=1").body()));
  }

  private static long count(DemoClient visitor) throws Exception {
    return count(visitor.get("/?m=1").body());
  }

  private static long count(String page) {
    Matcher all = Pattern.compile("All (\\d+) messages?").matcher(page);
    assertTrue(all.find(), page);
    return Long.parseLong(all.group(1));
  }

  @Test
  void messageTextIsEscaped() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    HttpResponse<String> page = visitor.postAndFollow("<script>alert(1)</script>");
    assertFalse(page.body().contains("<script>alert(1)</script>"), page.body());
    assertTrue(page.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), page.body());
    assertTrue(visitor.get("/messages").body().contains("&lt;script&gt;"));
  }

  @Test
  void theClusterPanelShowsEachNodeAndWhereReadsWent() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    HttpResponse<String> before = visitor.get("/");
    String seen = SeenText.of(before.body());
    assertTrue(seen.contains("The cluster right now"), seen);
    assertTrue(seen.contains("copies writes 3 s late"), seen);
    assertTrue(before.body().contains("<polyline class=\"series replica\" data-node=\"replica\""));
    assertTrue(before.body().contains("<polyline class=\"series primary\" data-node=\"primary\""));
    long replicaBefore = DemoClient.readsShown(before, "replica");
    long primaryBefore = DemoClient.readsShown(before, "primary");

    HttpResponse<String> after = visitor.postAndFollow("cluster panel test");
    assertTrue(
        DemoClient.readsShown(after, "primary") > primaryBefore,
        "the page after the post read from the primary, and the panel counted it");
    HttpResponse<String> again = new DemoClient(web.port()).get("/");
    assertTrue(
        DemoClient.readsShown(again, "replica") > replicaBefore,
        "a visitor without a token reads from the replica, and the panel counted it");
    assertTrue(SeenText.of(again.body()).contains("up"), "each node's state");
  }
}
