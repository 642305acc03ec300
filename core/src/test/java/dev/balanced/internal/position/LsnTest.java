package dev.balanced.internal.position;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Lsn}: PostgreSQL's {@code hi/lo} text form and unsigned 64-bit comparison. */
class LsnTest {

  @Test
  void parsesTheTextPostgresPrints() {
    assertEquals(0L, Lsn.parse("0/0"));
    assertEquals(0x16_B374D848L, Lsn.parse("16/B374D848"));
    assertEquals(0x16_B374D848L, Lsn.parse("16/b374d848"), "hex digits in either case");
    assertEquals(0x1_00000000L, Lsn.parse("1/0"));
    assertEquals(0xFFFFFFFFL, Lsn.parse("0/FFFFFFFF"));
  }

  @Test
  void valuesAbove2To31And2To63Survive() {
    // Low half above 2^31: must not be sign-extended into the high half.
    assertEquals(0x80000000L, Lsn.parse("0/80000000"));
    assertEquals(0x7_FFFFFFFFL, Lsn.parse("7/FFFFFFFF"));
    // High half above 2^31: the whole value is above 2^63, a negative long.
    long top = Lsn.parse("FFFFFFFF/FFFFFFFF");
    assertEquals(-1L, top);
    assertEquals(0x80000000_00000000L, Lsn.parse("80000000/0"));
  }

  @Test
  void formatIsTheInverseOfParse() {
    for (String text :
        new String[] {
          "0/0",
          "0/1",
          "16/B374D848",
          "0/80000000",
          "80000000/0",
          "FFFFFFFF/FFFFFFFF",
          "1/0",
          "ABCDEF/12345678"
        }) {
      assertEquals(text, Lsn.format(Lsn.parse(text)));
    }
    assertEquals("16/B374D848", Lsn.format(Lsn.parse("16/b374d848")), "printed in upper case");
    assertEquals("0/A", Lsn.format(Lsn.parse("00/0000000A")), "without leading zeros, like PG");
    assertEquals("FFFFFFFF/FFFFFFFF", Lsn.format(-1L));
  }

  @Test
  void reachedComparesUnsigned() {
    long low = Lsn.parse("0/10");
    long high = Lsn.parse("0/20");
    assertTrue(Lsn.reached(high, low));
    assertFalse(Lsn.reached(low, high));
    assertTrue(Lsn.reached(low, low), "a position reaches itself");
    assertTrue(Lsn.reached(low, 0), "every position reaches 0 (nothing required)");

    // Across the 2^31 boundary of the low half.
    assertTrue(Lsn.reached(Lsn.parse("0/80000000"), Lsn.parse("0/7FFFFFFF")));
    assertFalse(Lsn.reached(Lsn.parse("0/7FFFFFFF"), Lsn.parse("0/80000000")));
    // The high half dominates the low one.
    assertTrue(Lsn.reached(Lsn.parse("1/0"), Lsn.parse("0/FFFFFFFF")));
    assertFalse(Lsn.reached(Lsn.parse("0/FFFFFFFF"), Lsn.parse("1/0")));

    // Above 2^63 the longs are negative; a signed comparison would get these wrong.
    long beyond = Lsn.parse("80000000/0");
    long below = Lsn.parse("7FFFFFFF/FFFFFFFF");
    assertTrue(beyond < below, "negative as a signed long");
    assertTrue(Lsn.reached(beyond, below));
    assertFalse(Lsn.reached(below, beyond));
    assertTrue(Lsn.reached(Lsn.parse("FFFFFFFF/FFFFFFFF"), beyond));
    assertFalse(Lsn.reached(0, beyond));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/",
        "16",
        "16/",
        "/B374D848",
        "16B374D848",
        "16/B374D848/1",
        "xyz/1",
        "1/xyz",
        "1 /2",
        "100000000/0",
        "0/100000000",
        "-1/0",
        "0/-1",
        "+1/0",
        "0/+1",
        "FFFFFFFFFFFFFFFFF/0"
      })
  void refusesWhatIsNotAWalPosition(String text) {
    assertThrows(IllegalArgumentException.class, () -> Lsn.parse(text), text);
  }
}
