package dev.balanced.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Times as a person reads them: "just now", "3 minutes ago", with the date and clock time for a
 * closer look. The demo listens on loopback only, so the server's time zone is its visitor's.
 */
final class HumanTime {
  private static final DateTimeFormatter EXACT =
      DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm:ss zzz", Locale.ENGLISH);
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

  private HumanTime() {}

  /**
   * How long before {@code now} {@code then} was: "just now", "12 seconds ago", "on 3 Dec 2026".
   */
  static String ago(Instant then, Instant now, ZoneId zone) {
    long seconds = Duration.between(then, now).toSeconds();
    if (seconds < 5) {
      return "just now"; // also a time slightly ahead of this clock
    }
    if (seconds < 60) {
      return seconds + " seconds ago";
    }
    long minutes = seconds / 60;
    if (minutes < 60) {
      return minutes == 1 ? "a minute ago" : minutes + " minutes ago";
    }
    long hours = minutes / 60;
    if (hours < 24) {
      return hours == 1 ? "an hour ago" : hours + " hours ago";
    }
    return "on " + DAY.format(then.atZone(zone));
  }

  /** The date and clock time: "3 Dec 2026, 14:03:21 CET". */
  static String exact(Instant then, ZoneId zone) {
    return EXACT.format(then.atZone(zone));
  }

  /** A {@code <time>} element that reads "12 seconds ago" and shows the exact time on hover. */
  static String html(Instant then, Instant now, ZoneId zone) {
    return "<time datetime=\""
        + then
        + "\" title=\""
        + Html.escape(exact(then, zone))
        + "\">"
        + Html.escape(ago(then, now, zone))
        + "</time>";
  }
}
