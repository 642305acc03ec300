package dev.balanced.internal.consistency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConsistencyTokenTest {
  private static ConsistencyToken at(String lsn) {
    return new ConsistencyToken("set", 0, Lsn.parse(lsn), 1_000);
  }

  @Test
  void mergingKeepsTheLaterPositionAsPostgresqlOrdersThem() {
    // Past 7FFFFFFF/FFFFFFFF a position is negative as a signed long, and still the later one.
    ConsistencyToken early = at("0/3000A8");
    ConsistencyToken late = at("80000000/10");

    assertEquals("80000000/10", Lsn.format(early.merge(late).lsn()));
    assertEquals("80000000/10", Lsn.format(late.merge(early).lsn()));
    assertEquals("0/3000A8", Lsn.format(early.merge(at("0/10")).lsn()));
  }

  @Test
  void mergingKeepsTheLaterPinAndExpiry() {
    ConsistencyToken a = new ConsistencyToken("set", 500, 0, 1_000);
    ConsistencyToken b = new ConsistencyToken("set", 700, 0, 900);
    assertEquals(new ConsistencyToken("set", 700, 0, 1_000), a.merge(b));
    assertEquals(a, a.merge(null));
  }
}
