package dev.balanced.internal.position;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicationPositionTest {
  private static ReplicationPosition gtids(String text) {
    return ReplicationPosition.gtids(text);
  }

  @Test
  void gtidPositionsAreReadAsTheServerPrintsThem() {
    assertEquals("0-1-42", gtids("0-1-42").toString());
    assertEquals("0-1-42,1-2-7", gtids("1-2-7, 0-1-42").toString(), "sorted by domain");
    assertEquals(
        "4294967295-4294967295-18446744073709551615",
        gtids("4294967295-4294967295-18446744073709551615").toString());
    assertTrue(gtids("").isEmpty());
    assertFalse(gtids("").isNone(), "nothing applied yet is a position");
  }

  /** Nothing malformed gets through: a token's GTIDs never reach SQL unchecked (ERROR 1941). */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "garbage",
        "0-1",
        "0-1-2-3",
        "0-1-x",
        "-1-1-1",
        "0--1-1",
        "0-1-+1",
        "0-1- 1",
        "0-1-1,",
        ",0-1-1",
        "0-1-1,0-2-2",
        "4294967296-1-1",
        "0-4294967296-1",
        "0-1-18446744073709551616",
        "0-1-1;drop table x",
        "0x1-1-1",
        "0-1-１"
      })
  void anythingElseIsRefused(String text) {
    assertThrows(IllegalArgumentException.class, () -> gtids(text));
  }

  @Test
  void aGtidPositionReachesAnotherWhenEveryDomainOfItIsReached() {
    ReplicationPosition replica = gtids("0-1-10,1-2-5");
    assertTrue(replica.reached(gtids("0-1-10")));
    assertTrue(replica.reached(gtids("0-3-9,1-2-5")), "the server id does not matter");
    assertFalse(replica.reached(gtids("0-1-11")));
    assertFalse(replica.reached(gtids("0-1-1,2-1-1")), "a domain the replica has not seen");
    assertTrue(replica.reached(ReplicationPosition.NONE));
    assertTrue(replica.reached(gtids("")));
    assertFalse(gtids("").reached(gtids("0-1-1")));
    assertTrue(gtids("0-1-18446744073709551615").reached(gtids("0-1-9223372036854775808")));
    assertFalse(gtids("0-1-9223372036854775808").reached(gtids("0-1-18446744073709551615")));
  }

  @Test
  void positionsOfDifferentDatabasesNeverReachEachOther() {
    assertFalse(ReplicationPosition.wal(100).reached(gtids("0-1-1")));
    assertFalse(gtids("0-1-100").reached(ReplicationPosition.wal(1)));
    assertFalse(ReplicationPosition.NONE.reached(ReplicationPosition.wal(1)));
    assertSame(ReplicationPosition.NONE, ReplicationPosition.wal(0));
  }

  /**
   * After a promotion the new timeline's positions go on counting from where it forked: a position
   * on it that compares higher says nothing about the old timeline's WAL past the fork.
   */
  @Test
  void walPositionsOfTwoKnownTimelinesNeverReachEachOther() {
    ReplicationPosition oldTimeline = ReplicationPosition.wal(1, 0x5000);
    ReplicationPosition newTimeline = ReplicationPosition.wal(2, 0x9000);
    assertFalse(newTimeline.reached(oldTimeline), "higher, but on another timeline");
    assertFalse(oldTimeline.reached(newTimeline));
    assertTrue(ReplicationPosition.wal(2, 0x9001).reached(newTimeline));
    assertFalse(ReplicationPosition.wal(2, 0x8fff).reached(newTimeline));
    assertTrue(
        ReplicationPosition.wal(0x9000).reached(newTimeline),
        "a replica whose timeline cannot be seen is compared by position, as before");
    assertTrue(newTimeline.reached(ReplicationPosition.wal(0x5000)), "a token without timeline");
    assertEquals(newTimeline, oldTimeline.furthest(newTimeline), "the later timeline is newer");
    assertEquals(newTimeline, newTimeline.furthest(oldTimeline));
    assertEquals(2, newTimeline.timeline());
    assertEquals("0/9000 on timeline 2", newTimeline.toString());
    assertEquals(0, gtids("0-1-1").timeline());
    assertThrows(IllegalArgumentException.class, () -> ReplicationPosition.wal(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> ReplicationPosition.wal(1L << 32, 1));
  }

  @Test
  void theFurthestOfTwoIsTakenDomainByDomain() {
    assertEquals("0-2-12,1-1-5", gtids("0-1-10,1-1-5").furthest(gtids("0-2-12")).toString());
    ReplicationPosition ahead = gtids("0-1-10");
    assertSame(ahead, ahead.furthest(gtids("0-1-9")));
    assertSame(ahead, ahead.furthest(ReplicationPosition.NONE));
    assertEquals(
        "0/64", ReplicationPosition.wal(100).furthest(ReplicationPosition.wal(50)).toString());
  }
}
