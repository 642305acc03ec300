package dev.balanced.internal.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.events.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every transition of a node's health, on a clock the test moves. */
class NodeHealthTest {
  private static final long RETRY = TimeUnit.SECONDS.toNanos(10);

  private final AtomicLong clock = new AtomicLong(1_000);
  private final List<String> changes = new ArrayList<>();
  private final NodeHealth health =
      new NodeHealth(
          "r1",
          clock::get,
          RETRY,
          (node, from, to, lagMs) -> changes.add(node + " " + from + "->" + to));

  @Test
  void aNewNodeIsUp() {
    assertEquals(NodeState.UP, health.status());
    assertTrue(health.claimRetry(), "an up node is always available");
    assertEquals(-1, health.lagMs());
  }

  @Test
  void downOnceUntilConnectedAgain() {
    assertTrue(health.markDown());
    assertFalse(health.markDown(), "a second failure is the same outage");
    assertEquals(NodeState.DOWN, health.status());
    assertEquals(1_000, health.downSinceNanos());

    assertTrue(health.markUp());
    assertFalse(health.markUp());
    assertEquals(NodeState.UP, health.status());
    assertEquals(List.of("r1 UP->DOWN", "r1 DOWN->UP"), changes);
  }

  @Test
  void aDownNodeGivesOneRetryPerInterval() {
    health.markDown();
    assertFalse(health.claimRetry(), "not due yet");

    clock.addAndGet(RETRY);
    assertTrue(health.claimRetry(), "due: the first caller takes it");
    assertFalse(health.claimRetry(), "the others wait for its outcome");

    clock.addAndGet(RETRY - 1);
    assertFalse(health.claimRetry());
    clock.addAndGet(1);
    assertTrue(health.claimRetry(), "one interval after the last retry");
  }

  @Test
  void aFailureWhileDownMovesTheRetryOn() {
    health.markDown();
    clock.addAndGet(RETRY - 1);
    health.markDown();
    clock.addAndGet(1);
    assertFalse(health.claimRetry(), "the retry is an interval after the latest failure");
    assertEquals(1_000, health.downSinceNanos(), "still the same outage");
  }

  @Test
  void behindWhileAboveTheLimit() {
    assertFalse(health.lagMeasured(100, 500));
    assertTrue(health.lagMeasured(900, 500));
    assertFalse(health.lagMeasured(800, 500), "still behind: no change");
    assertEquals(NodeState.BEHIND, health.status());
    assertEquals(800, health.lagMs());

    assertTrue(health.lagMeasured(500, 500), "at the limit is within it");
    assertEquals(NodeState.UP, health.status());
    assertEquals(List.of("r1 UP->BEHIND", "r1 BEHIND->UP"), changes);
  }

  @Test
  void downWinsOverBehind() {
    health.lagMeasured(900, 500);
    health.markDown();
    assertEquals(NodeState.DOWN, health.status());
    assertTrue(health.isBehind());

    health.markUp();
    assertEquals(NodeState.BEHIND, health.status(), "back, and still behind as last measured");
    assertEquals(List.of("r1 UP->BEHIND", "r1 BEHIND->DOWN", "r1 DOWN->BEHIND"), changes);
  }

  @Test
  void aLagChangeWhileDownIsNotAStatusChange() {
    health.markDown();
    health.lagMeasured(900, 500);
    assertEquals(List.of("r1 UP->DOWN"), changes, "down either way");
  }
}
