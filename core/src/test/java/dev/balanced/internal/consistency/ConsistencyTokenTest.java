package dev.balanced.internal.consistency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.balanced.internal.position.Lsn;
import dev.balanced.internal.position.ReplicationPosition;
import org.junit.jupiter.api.Test;

class ConsistencyTokenTest {
  private static ConsistencyToken at(String lsn) {
    return new ConsistencyToken("set", 0, ReplicationPosition.wal(Lsn.parse(lsn)), 1_000);
  }

  @Test
  void mergingKeepsTheLaterPositionAsPostgresqlOrdersThem() {
    // Past 7FFFFFFF/FFFFFFFF a position is negative as a signed long, and still the later one.
    ConsistencyToken early = at("0/3000A8");
    ConsistencyToken late = at("80000000/10");

    assertEquals("80000000/10", Lsn.format(early.merge(late).position().lsn()));
    assertEquals("80000000/10", Lsn.format(late.merge(early).position().lsn()));
    assertEquals("0/3000A8", Lsn.format(early.merge(at("0/10")).position().lsn()));
  }

  @Test
  void mergingKeepsTheLaterPinAndExpiry() {
    ConsistencyToken a = new ConsistencyToken("set", 500, ReplicationPosition.NONE, 1_000);
    ConsistencyToken b = new ConsistencyToken("set", 700, ReplicationPosition.NONE, 900);
    assertEquals(new ConsistencyToken("set", 700, ReplicationPosition.NONE, 1_000), a.merge(b));
    assertEquals(a, a.merge(null));
  }

  @Test
  void mergingGtidPositionsKeepsTheFurthestOfEachDomain() {
    ConsistencyToken a =
        new ConsistencyToken("set", 0, ReplicationPosition.gtids("0-1-10,1-2-5"), 1_000);
    ConsistencyToken b =
        new ConsistencyToken("set", 0, ReplicationPosition.gtids("0-3-12,2-2-1"), 1_000);
    assertEquals("0-3-12,1-2-5,2-2-1", a.merge(b).position().toString());
    assertEquals("0-3-12,1-2-5,2-2-1", b.merge(a).position().toString());
  }
}
