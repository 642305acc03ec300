package dev.balanced.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.pg.PgCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The failover buttons of the {@code --postgres} mode, pressed over HTTP on real PostgreSQL: while
 * the primary is down, pages go on being read from the standbys (but for a read caught on the
 * primary by the crash itself, which says so) and a post is refused with a clear page; once a
 * standby is promoted, posts land on it and the page names it; the old primary comes back as a
 * standby and serves reads again.
 */
class MessageServerFailoverTest {
  /** Shorter than the interactive demo's: long enough to post into, short for the build. */
  private static final Duration OUTAGE = Duration.ofSeconds(3);

  private static final Pattern NEW_PRIMARY = Pattern.compile("(pg[23]) \\d+ primary, timeline 2");

  @Test
  void readsGoOnAndWritesMoveToThePromotedStandbyThenTheOldPrimaryRejoins() throws Exception {
    try (CapturedLog log = CapturedLog.start();
        DemoDatabase db = DemoDatabase.postgres(OUTAGE);
        WebApp web = WebApp.start(db, 0)) {
      PgCluster cluster = db.failover().cluster();
      DemoClient visitor = new DemoClient(web.port());
      String home = SeenText.of(visitor.get("/").body());
      assertTrue(home.matches(".*pg1 \\d+ primary, timeline 1 pg2 \\d+ standby of pg1 .*"), home);
      assertTrue(home.contains("Fail over Crashes pg1, the primary"), home);
      visitor.postAndFollow("before the failover");

      // Readers, one with the token of that post, one without, all along.
      AtomicBoolean reading = new AtomicBoolean(true);
      ConcurrentLinkedQueue<String> failedReads = new ConcurrentLinkedQueue<>();
      AtomicInteger reads = new AtomicInteger();
      AtomicInteger readsCutOff = new AtomicInteger();
      // When the first post was refused: Balanced knows the primary is down from then on.
      AtomicLong outageSeenAt = new AtomicLong();
      Thread readers =
          new Thread(
              () -> {
                DemoClient stranger = new DemoClient(web.port());
                while (reading.get()) {
                  for (DemoClient reader : List.of(visitor, stranger)) {
                    long started = System.nanoTime();
                    try {
                      HttpResponse<String> page = reader.get("/");
                      String seen = SeenText.of(page.body());
                      if (page.statusCode() == 200) {
                        reads.incrementAndGet();
                      } else if (page.statusCode() == 503
                          && seen.contains("The server that was answering this page went down")
                          && (outageSeenAt.get() == 0 || started < outageSeenAt.get())) {
                        // On a connection to the primary as it crashed, before Balanced noticed.
                        readsCutOff.incrementAndGet();
                      } else {
                        failedReads.add(page.statusCode() + ": " + seen);
                      }
                    } catch (Exception e) {
                      failedReads.add(e.toString());
                    }
                  }
                  pause(50);
                }
              },
              "test-readers");
      readers.start();
      String promoted;
      int refused = 0;
      try {
        HttpResponse<String> pressed = visitor.postForm("/failover", "action=failover");
        assertEquals(303, pressed.statusCode(), pressed.body());
        awaitPage(visitor, "pg1, the primary, crashed", Duration.ofSeconds(30));

        // Writes: refused with a clear page while there is no primary, then they land.
        HttpResponse<String> posted;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
          posted = visitor.post("/messages", "after the failover");
          if (posted.statusCode() == 303) {
            break;
          }
          String seen = SeenText.of(posted.body());
          assertEquals(503, posted.statusCode(), seen);
          assertTrue(
              seen.contains("Not posted: the primary is down. Balanced cannot reach the primary")
                  || seen.contains("Not posted: the connection to the primary was lost."),
              seen);
          refused++;
          outageSeenAt.compareAndSet(0, System.nanoTime());
          assertTrue(System.nanoTime() < deadline, "no post succeeded within 60 s");
          pause(200);
        }
        assertTrue(refused > 0, "the posts made while the primary was down were refused");
        String location = posted.headers().firstValue("Location").orElseThrow();
        long id = Long.parseLong(location.substring(location.indexOf('=') + 1));
        assertTrue(
            SeenText.of(visitor.get(location).body()).contains("Your message #" + id + " is on"),
            location);

        // The page names the new primary, and the message is on it.
        String after = awaitPage(visitor, NEW_PRIMARY.pattern(), Duration.ofSeconds(30));
        Matcher named = NEW_PRIMARY.matcher(after);
        assertTrue(named.find(), after);
        promoted = named.group(1);
        assertEquals(promoted, FailoverControl.name(cluster.primary()));
        assertTrue(after.matches(".*pg1 \\d+ down \\(former primary\\).*"), after);
        assertTrue(after.contains(promoted + " was promoted: it is the primary now"), after);
        assertTrue(after.contains("Bring back the old primary as a standby"), after);
        try (Connection c = cluster.primary().connect();
            PreparedStatement ps = c.prepareStatement("select text from message where id = ?")) {
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), "message #" + id + " is on " + promoted);
            assertEquals("after the failover", rs.getString(1));
          }
        }
      } finally {
        reading.set(false);
        readers.join(30_000);
      }
      // A page read on the primary's connection as it crashed fails (and says so); from the
      // moment Balanced knows it is down, none does.
      assertEquals(List.of(), List.copyOf(failedReads), "reads during the failover");
      assertTrue(readsCutOff.get() <= 2, readsCutOff + " reads cut off by the crash");
      assertTrue(reads.get() > 10, reads + " pages read during the failover");

      // The old primary comes back as a standby of the new one, and serves reads again.
      HttpResponse<String> rejoin = visitor.postForm("/failover", "action=rejoin");
      assertEquals(303, rejoin.statusCode(), rejoin.body());
      awaitPage(visitor, "pg1 \\d+ standby of " + promoted, Duration.ofSeconds(60));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      HttpResponse<String> page;
      do {
        pause(100);
        page = new DemoClient(web.port()).get("/");
      } while (DemoClient.readsShown(page, "pg1") == 0 && System.nanoTime() < deadline);
      assertTrue(DemoClient.readsShown(page, "pg1") > 0, "pg1 serves reads again");
      assertTrue(SeenText.of(page.body()).contains("Fail over Crashes " + promoted), page.body());

      log.assertLine("ERROR", "primary primary cannot be reached");
      log.assertLine("WARN", "topology: the primary is now node " + promoted);
      assertEquals(0, log.count("org.eclipse.jetty"), log.text());
    }
  }

  /** Polls the home page until its text matches {@code regex} somewhere; returns that text. */
  private static String awaitPage(DemoClient visitor, String regex, Duration timeout)
      throws Exception {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String seen = SeenText.of(visitor.get("/").body());
      if (pattern.matcher(seen).find()) {
        return seen;
      }
      assertTrue(System.nanoTime() < deadline, "not on the page within " + timeout + ": " + seen);
      pause(100);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
