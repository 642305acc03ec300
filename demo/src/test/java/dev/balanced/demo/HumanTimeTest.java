package dev.balanced.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class HumanTimeTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final Instant NOW = Instant.parse("2026-12-03T13:03:21Z");

  private static String ago(long seconds) {
    return HumanTime.ago(NOW.minusSeconds(seconds), NOW, BERLIN);
  }

  @Test
  void recentTimesReadAsHowLongAgo() {
    assertEquals("just now", ago(0));
    assertEquals("just now", ago(4));
    assertEquals("just now", ago(-2)); // a clock a little ahead
    assertEquals("5 seconds ago", ago(5));
    assertEquals("59 seconds ago", ago(59));
    assertEquals("a minute ago", ago(60));
    assertEquals("2 minutes ago", ago(120));
    assertEquals("59 minutes ago", ago(3599));
    assertEquals("an hour ago", ago(3600));
    assertEquals("23 hours ago", ago(24 * 3600 - 1));
  }

  @Test
  void olderTimesReadAsTheirDay() {
    assertEquals("on 2 Dec 2026", ago(24 * 3600));
    assertEquals("on 3 Nov 2026", ago(30L * 24 * 3600));
  }

  @Test
  void theExactTimeIsADateAndAClockTimeInTheVisitorsZone() {
    assertEquals("3 Dec 2026, 14:03:21 CET", HumanTime.exact(NOW, BERLIN));
  }

  @Test
  void theElementReadsAsHowLongAgoAndKeepsTheInstantForMachines() {
    assertEquals(
        "<time datetime=\"2026-12-03T13:02:21Z\" title=\"3 Dec 2026, 14:02:21 CET\">"
            + "a minute ago</time>",
        HumanTime.html(NOW.minusSeconds(60), NOW, BERLIN));
  }
}
