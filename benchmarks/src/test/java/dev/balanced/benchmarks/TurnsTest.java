package dev.balanced.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The overhead table pairs iterations 2k and 2k+1; each pair must hold one of each variant. */
class TurnsTest {

  @Test
  void everyPairHoldsBothVariantsAndEachGoesFirstInHalfOfThem() {
    int baselineFirst = 0;
    for (int first = 0; first < 40; first += 2) {
      assertTrue(Turns.endsPair(first + 1));
      assertNotEquals(Turns.of(first), Turns.of(first + 1), "pair at " + first);
      if (Turns.BASELINE.equals(Turns.of(first))) {
        baselineFirst++;
      }
    }
    assertEquals(10, baselineFirst);
  }

  @Test
  void variantsTakeTurnsInAbbaOrder() {
    Object a = new Object();
    Object b = new Object();
    Turns<Object> turns = new Turns<>(a, b);
    for (Object expected : new Object[] {a, b, b, a, a, b, b, a}) {
      assertSame(expected, turns.next());
    }
  }

  @Test
  void moreVariantsTakeTurnsInRoundsThatRunEachTwiceOnceInEachHalf() {
    Object a = new Object();
    Object b = new Object();
    Object c = new Object();
    Turns<Object> turns = new Turns<>(java.util.List.of(a, b, c));
    for (Object expected : new Object[] {a, b, c, c, b, a, a, b, c, c, b, a}) {
      assertSame(expected, turns.next());
    }
    for (int index = 0; index < 12; index++) {
      assertEquals(index < 6 ? 0 : 1, Turns.roundOf(index, 3), "round of " + index);
    }
  }
}
