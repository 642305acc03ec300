package dev.balanced.internal.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.internal.position.ReplicationPosition;
import org.junit.jupiter.api.Test;

class PositionTimelineTest {
  private static final long SECOND = 1_000_000_000L;

  private final PositionTimeline timeline = new PositionTimeline(10 * SECOND);

  private static ReplicationPosition wal(long lsn) {
    return ReplicationPosition.wal(lsn);
  }

  @Test
  void aReplicaThatHasReplayedEverythingSeenIsNotBehind() {
    timeline.observe(0, wal(100));
    timeline.observe(SECOND, wal(200));
    assertEquals(0, timeline.lagNanos(2 * SECOND, wal(200)));
    assertEquals(0, timeline.lagNanos(2 * SECOND, wal(250)), "past what was seen: still 0");
  }

  @Test
  void lagRunsFromWhenThePrimaryWasFirstSeenPastTheReplica() {
    timeline.observe(0, wal(100));
    timeline.observe(SECOND, wal(200));
    timeline.observe(2 * SECOND, wal(200));
    timeline.observe(3 * SECOND, wal(300));
    assertEquals(3 * SECOND, timeline.lagNanos(4 * SECOND, wal(150)));
    assertEquals(SECOND, timeline.lagNanos(4 * SECOND, wal(200)));
    assertEquals(4 * SECOND, timeline.lagNanos(4 * SECOND, wal(50)));
  }

  /**
   * The reason for a timeline rather than the standby's last replayed commit time: after a quiet
   * minute, a write held back by a 300 ms apply delay is 300 ms of lag, not a minute.
   */
  @Test
  void aQuietPrimaryDoesNotMakeTheNextWriteLookOld() {
    for (long second = 0; second <= 60; second++) {
      timeline.observe(second * SECOND, wal(100));
    }
    timeline.observe(61 * SECOND, wal(200));
    assertEquals(300_000_000L, timeline.lagNanos(61 * SECOND + 300_000_000L, wal(100)));
  }

  /**
   * Positions older than the window are dropped, except the newest of them, so a replica stuck
   * before the window still shows more lag than the window holds.
   */
  @Test
  void aReplicaStuckBeforeTheWindowStaysBehindAfterAQuietHour() {
    timeline.observe(0, wal(100));
    timeline.observe(SECOND, wal(200));
    for (long second = 2; second <= 3600; second++) {
      timeline.observe(second * SECOND, wal(200));
    }
    timeline.observe(3601 * SECOND, wal(300));
    long lag = timeline.lagNanos(3601 * SECOND, wal(150));
    assertTrue(lag > 10 * SECOND, "longer than the window: " + lag);
    assertEquals(0, timeline.lagNanos(3601 * SECOND, wal(300)));
  }

  @Test
  void positionsCompareUnsigned() {
    ReplicationPosition high = wal(0x8000_0000_0000_0000L); // past 2^63 bytes of WAL: negative
    timeline.observe(0, wal(100));
    timeline.observe(SECOND, high);
    assertEquals(SECOND, timeline.lagNanos(2 * SECOND, wal(100)));
    assertEquals(0, timeline.lagNanos(2 * SECOND, high));
  }

  /** After a failover the new primary may be at a lower position than the old one was. */
  @Test
  void aPrimaryThatGoesBackStartsAHistoryOfItsOwn() {
    timeline.observe(0, wal(500));
    timeline.observe(SECOND, wal(400));
    assertEquals(0, timeline.lagNanos(2 * SECOND, wal(400)), "caught up with the new primary");
    timeline.observe(3 * SECOND, wal(450));
    assertEquals(SECOND, timeline.lagNanos(4 * SECOND, wal(400)));
  }

  /** MariaDB: a replica is behind from when the primary was first seen past it in any domain. */
  @Test
  void gtidPositionsAreComparedDomainByDomain() {
    timeline.observe(0, ReplicationPosition.gtids("0-1-10"));
    timeline.observe(SECOND, ReplicationPosition.gtids("0-1-10,1-1-3"));
    timeline.observe(2 * SECOND, ReplicationPosition.gtids("0-1-12,1-1-3"));
    assertEquals(0, timeline.lagNanos(3 * SECOND, ReplicationPosition.gtids("0-1-12,1-1-3")));
    assertEquals(SECOND, timeline.lagNanos(3 * SECOND, ReplicationPosition.gtids("0-1-11,1-1-3")));
    assertEquals(2 * SECOND, timeline.lagNanos(3 * SECOND, ReplicationPosition.gtids("0-1-12")));
    assertEquals(3 * SECOND, timeline.lagNanos(3 * SECOND, ReplicationPosition.gtids("")));
  }
}
