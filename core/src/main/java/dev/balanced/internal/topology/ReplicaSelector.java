package dev.balanced.internal.topology;

import dev.balanced.spi.SelectorKind;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Chooses the node that serves a session's reads among the read nodes. Thread-safe. */
interface ReplicaSelector {

  Node select();

  static ReplicaSelector of(SelectorKind kind, List<Node> readNodes) {
    if (readNodes.size() == 1) {
      Node only = readNodes.get(0);
      return () -> only;
    }
    return switch (kind) {
      case RANDOM -> new RandomSelector(readNodes);
      case ROUND_ROBIN -> new RoundRobinSelector(readNodes);
      case WEIGHTED -> new WeightedSelector(readNodes);
    };
  }

  /** Uniform choice. */
  final class RandomSelector implements ReplicaSelector {
    private final Node[] nodes;

    RandomSelector(List<Node> nodes) {
      this.nodes = nodes.toArray(Node[]::new);
    }

    @Override
    public Node select() {
      return nodes[ThreadLocalRandom.current().nextInt(nodes.length)];
    }
  }

  /** Each node in turn (pindb's choice). */
  final class RoundRobinSelector implements ReplicaSelector {
    private final Node[] nodes;
    private final AtomicInteger next = new AtomicInteger();

    RoundRobinSelector(List<Node> nodes) {
      this.nodes = nodes.toArray(Node[]::new);
    }

    @Override
    public Node select() {
      return nodes[Math.floorMod(next.getAndIncrement(), nodes.length)];
    }
  }

  /** Random choice in proportion to each node's {@code weight}; weight 0 never serves reads. */
  final class WeightedSelector implements ReplicaSelector {
    private final Node[] nodes;
    private final long[] cumulative;

    WeightedSelector(List<Node> nodes) {
      this.nodes = nodes.toArray(Node[]::new);
      this.cumulative = new long[this.nodes.length];
      long sum = 0;
      for (int i = 0; i < this.nodes.length; i++) {
        sum += this.nodes[i].weight();
        cumulative[i] = sum;
      }
    }

    @Override
    public Node select() {
      long ticket = ThreadLocalRandom.current().nextLong(cumulative[cumulative.length - 1]);
      for (int i = 0; i < cumulative.length; i++) {
        if (ticket < cumulative[i]) {
          return nodes[i];
        }
      }
      throw new AssertionError("weights changed");
    }
  }
}
