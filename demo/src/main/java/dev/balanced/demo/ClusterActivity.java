package dev.balanced.demo;

import dev.balanced.events.BalancedListener;
import dev.balanced.events.NodeStatus;
import dev.balanced.events.ReadNodeChosen;
import dev.balanced.events.Started;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the cluster panel shows, gathered as a Balanced listener: where each unit of work read, per
 * node and second, over the last {@link #WINDOW_SECONDS}, and each node's health on demand.
 */
final class ClusterActivity implements BalancedListener {
  static final int WINDOW_SECONDS = 300;

  private final LongSupplier epochSeconds;
  private final Map<String, PerSecond> reads = new ConcurrentHashMap<>();
  private volatile List<String> nodes = List.of();
  private volatile Supplier<List<NodeStatus>> health = List::of;

  ClusterActivity(LongSupplier epochSeconds) {
    this.epochSeconds = epochSeconds;
  }

  ClusterActivity() {
    this(() -> System.currentTimeMillis() / 1000);
  }

  @Override
  public void started(Started event) {
    nodes = event.nodes();
    health = event.health();
  }

  @Override
  public void readNodeChosen(ReadNodeChosen event) {
    reads.computeIfAbsent(event.node(), node -> new PerSecond()).add(epochSeconds.getAsLong());
  }

  /** The primary first, then the replicas. */
  List<String> nodes() {
    return nodes;
  }

  List<NodeStatus> health() {
    return health.get();
  }

  /** Units of work that read on {@code node} in each of the last {@code seconds}, oldest first. */
  long[] readsPerSecond(String node, int seconds) {
    PerSecond counts = reads.get(node);
    return counts == null ? new long[seconds] : counts.last(epochSeconds.getAsLong(), seconds);
  }

  /** A ring of per-second counts; a slot found holding an older second starts again at 0. */
  private static final class PerSecond {
    private final long[] counts = new long[WINDOW_SECONDS];
    private final long[] seconds = new long[WINDOW_SECONDS];

    synchronized void add(long second) {
      int slot = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
      if (seconds[slot] != second) {
        seconds[slot] = second;
        counts[slot] = 0;
      }
      counts[slot]++;
    }

    synchronized long[] last(long now, int span) {
      long[] series = new long[span];
      for (int i = 0; i < span; i++) {
        long second = now - (span - 1 - i);
        int slot = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
        series[i] = seconds[slot] == second ? counts[slot] : 0;
      }
      return series;
    }
  }
}
