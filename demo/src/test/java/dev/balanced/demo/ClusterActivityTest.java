package dev.balanced.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.balanced.events.ReadNodeChosen;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The panel's per-second counts: in their second, and gone once the window has moved on. */
class ClusterActivityTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final ClusterActivity activity = new ClusterActivity(now::get);

  private void readOn(String node) {
    activity.readNodeChosen(new ReadNodeChosen(node, "selector"));
  }

  @Test
  void readsAreCountedInTheirSecond() {
    readOn("replica");
    readOn("replica");
    now.incrementAndGet();
    readOn("replica");
    readOn("primary");
    assertArrayEquals(new long[] {0, 2, 1}, activity.readsPerSecond("replica", 3));
    assertArrayEquals(new long[] {0, 0, 1}, activity.readsPerSecond("primary", 3));
    assertArrayEquals(new long[] {0, 0, 0}, activity.readsPerSecond("elsewhere", 3));
  }

  @Test
  void aSecondOnceTheWindowLaterStartsAgain() {
    readOn("replica");
    now.addAndGet(ClusterActivity.WINDOW_SECONDS); // the same slot of the ring, a later second
    readOn("replica");
    assertArrayEquals(new long[] {1}, activity.readsPerSecond("replica", 1));
    now.addAndGet(2);
    assertArrayEquals(new long[] {1, 0, 0}, activity.readsPerSecond("replica", 3));
  }
}
