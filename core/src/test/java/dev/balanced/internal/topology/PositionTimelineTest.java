package dev.balanced.internal.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WalTimelineTest {
  private static final long SECOND = 1_000_000_000L;

  private final WalTimeline timeline = new WalTimeline(10 * SECOND);

  @Test
  void aReplicaThatHasReplayedEverythingSeenIsNotBehind() {
    timeline.observe(0, 100);
    timeline.observe(SECOND, 200);
    assertEquals(0, timeline.lagNanos(2 * SECOND, 200));
    assertEquals(0, timeline.lagNanos(2 * SECOND, 250), "past what was seen: still 0");
  }

  @Test
  void lagRunsFromWhenThePrimaryWasFirstSeenPastTheReplica() {
    timeline.observe(0, 100);
    timeline.observe(SECOND, 200);
    timeline.observe(2 * SECOND, 200);
    timeline.observe(3 * SECOND, 300);
    assertEquals(3 * SECOND, timeline.lagNanos(4 * SECOND, 150));
    assertEquals(SECOND, timeline.lagNanos(4 * SECOND, 200));
    assertEquals(4 * SECOND, timeline.lagNanos(4 * SECOND, 50));
  }

  /**
   * The reason for a timeline rather than the standby's last replayed commit time: after a quiet
   * minute, a write held back by a 300 ms apply delay is 300 ms of lag, not a minute.
   */
  @Test
  void aQuietPrimaryDoesNotMakeTheNextWriteLookOld() {
    for (long second = 0; second <= 60; second++) {
      timeline.observe(second * SECOND, 100);
    }
    timeline.observe(61 * SECOND, 200);
    assertEquals(300_000_000L, timeline.lagNanos(61 * SECOND + 300_000_000L, 100));
  }

  /**
   * Positions older than the window are dropped, except the newest of them, so a replica stuck
   * before the window still shows more lag than the window holds.
   */
  @Test
  void aReplicaStuckBeforeTheWindowStaysBehindAfterAQuietHour() {
    timeline.observe(0, 100);
    timeline.observe(SECOND, 200);
    for (long second = 2; second <= 3600; second++) {
      timeline.observe(second * SECOND, 200);
    }
    timeline.observe(3601 * SECOND, 300);
    long lag = timeline.lagNanos(3601 * SECOND, 150);
    assertTrue(lag > 10 * SECOND, "longer than the window: " + lag);
    assertEquals(0, timeline.lagNanos(3601 * SECOND, 300));
  }

  @Test
  void positionsCompareUnsigned() {
    long high = 0x8000_0000_0000_0000L; // past 2^63 bytes of WAL, negative as a long
    timeline.observe(0, 100);
    timeline.observe(SECOND, high);
    assertEquals(SECOND, timeline.lagNanos(2 * SECOND, 100));
    assertEquals(0, timeline.lagNanos(2 * SECOND, high));
  }

  /** After a failover the new primary may be at a lower position than the old one was. */
  @Test
  void aPrimaryThatGoesBackStartsAHistoryOfItsOwn() {
    timeline.observe(0, 500);
    timeline.observe(SECOND, 400);
    assertEquals(0, timeline.lagNanos(2 * SECOND, 400), "caught up with the new primary");
    timeline.observe(3 * SECOND, 450);
    assertEquals(SECOND, timeline.lagNanos(4 * SECOND, 400));
  }
}
