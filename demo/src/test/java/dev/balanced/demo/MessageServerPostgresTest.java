package dev.balanced.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's {@code --postgres} mode end to end: a real primary and two hot standbys that apply WAL
 * three seconds late. The page after the post-redirect sees the new message thanks to the token in
 * the cookie; a visitor without it reads the lagging standby.
 */
class MessageServerPostgresTest {
  private static DemoDatabase db;
  private static WebApp web;

  @BeforeAll
  static void start() throws Exception {
    db = DemoDatabase.postgres();
    web = WebApp.start(db, 0);
  }

  @AfterAll
  static void stop() throws Exception {
    try (DemoDatabase d = db;
        WebApp w = web) {
      // closes both, and with the database the PostgreSQL cluster
    }
  }

  @Test
  void aPostedMessageIsVisibleOnTheRedirectAlthoughTheStandbyLags() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    visitor.get("/"); // a first visit, as a browser would make
    HttpResponse<String> afterPost = visitor.postAndFollow("hello from PostgreSQL");
    Matcher posted =
        Pattern.compile("Your message #(\\d+) is on the board.").matcher(afterPost.body());
    assertTrue(posted.find(), afterPost.body());
    assertTrue(afterPost.body().contains("hello from PostgreSQL"), afterPost.body());
    assertTrue(afterPost.body().contains("came in a cookie"), afterPost.body());
    List<String> rows = SeenText.servedRows(afterPost.body());
    assertTrue(
        rows.stream()
            .anyMatch(
                r -> r.contains(" primary read-your-writes Your browser sent the consistency")),
        rows::toString);

    HttpResponse<String> stranger = new DemoClient(web.port()).get("/?posted=" + posted.group(1));
    assertTrue(
        SeenText.of(stranger.body())
            .contains(
                "is not visible yet: this page read a lagging replica. This window has no token"
                    + " from the post, so this page read the replica, which gets each write 3 s"
                    + " late."),
        stranger.body());
    List<String> strangerRows = SeenText.servedRows(stranger.body());
    assertTrue(
        strangerRows.stream()
            .anyMatch(r -> r.matches("find message #" + posted.group(1) + " pg[23] selector .*")),
        strangerRows::toString);
  }

  /** On PostgreSQL the cluster panel shows the standby's lag as measured, not as configured. */
  @Test
  void theClusterPanelShowsTheStandbysMeasuredLag() throws Exception {
    DemoClient visitor = new DemoClient(web.port());
    visitor.postAndFollow("make the standby lag");
    Pattern measured =
        Pattern.compile(
            "<tr data-node=\"pg2\">.*?<td class=\"lag\">(\\d+\\.\\d) s</td>", Pattern.DOTALL);
    double worst = 0;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (worst < 1.0 && System.nanoTime() < deadline) {
      Matcher lag = measured.matcher(visitor.get("/").body());
      assertTrue(lag.find(), "a measured lag in the panel");
      worst = Math.max(worst, Double.parseDouble(lag.group(1)));
      Thread.sleep(200);
    }
    assertTrue(worst >= 1.0, "the standby applies WAL 3 s late, so it is seen behind: " + worst);
  }
}
