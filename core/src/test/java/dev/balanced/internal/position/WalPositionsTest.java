package dev.balanced.internal.position;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WalPositionsTest {
  @Test
  void theTimelineIsTheFirstEightHexDigitsOfAWalFileName() {
    assertEquals(1, WalPositions.timeline("000000010000000000000003"));
    assertEquals(0x1A, WalPositions.timeline("0000001A00000000000000FF"));
    assertEquals(0xFFFFFFFFL, WalPositions.timeline("FFFFFFFF0000000000000001"));
  }

  @Test
  void aReceivedTimelineIsANumberAndNoneIsUnknown() {
    assertEquals(3, WalPositions.timeline("3"));
    assertEquals(0, WalPositions.timeline(null));
  }

  @Test
  void anythingElseIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> WalPositions.timeline("tl3"));
    assertThrows(
        IllegalArgumentException.class, () -> WalPositions.timeline("GGGGGGGG0000000000000001"));
  }
}
