package dev.balanced.internal.topology;

import dev.balanced.internal.position.ReplicationPosition;
import dev.balanced.spi.SelectorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Which node serves a unit of work's reads: the one place that weighs the replica selector, each
 * node's health and lag, and a position a reader must see. The selector's choice for a new unit of
 * work, {@code usingReplica()} and read-your-writes all ask here, under the same rules:
 *
 * <ul>
 *   <li>A replica is <em>usable</em> while it is neither down nor behind ({@link Node#isUsable()}).
 *   <li>Candidates are the nodes the selector gives reads: under {@code weighted}, never a replica
 *       of weight 0, except for {@code usingReplica()} when no other replica is usable (its reads
 *       tolerate lag, so any replica beats the primary).
 *   <li>When no replica will do, reads go to the primary, which has everything.
 * </ul>
 */
public final class ReadNodeChooser {
  private final Node primary;
  private final ReplicaSelector selector;
  private final SelectorKind kind;

  /** The selector's candidates: the replicas, plus the primary if it serves reads. */
  private final List<Node> readNodes;

  /** Replicas in configuration order. */
  private final List<Node> replicas;

  /** Replicas the selector may give reads, in configuration order. */
  private final List<Node> servingReplicas;

  /** Whether the selector may choose the primary: it serves reads, or there is no replica. */
  private final boolean primaryIsReadNode;

  ReadNodeChooser(Node primary, List<Node> replicas, List<Node> readNodes, SelectorKind kind) {
    this.primary = primary;
    this.kind = kind;
    this.readNodes = List.copyOf(readNodes);
    this.replicas = List.copyOf(replicas);
    List<Node> serving = new ArrayList<>();
    for (Node replica : replicas) {
      if (replica.servesReadsUnder(kind)) {
        serving.add(replica);
      }
    }
    this.servingReplicas = List.copyOf(serving);
    this.selector = ReplicaSelector.of(kind, this.readNodes);
    this.primaryIsReadNode = this.readNodes.contains(primary);
  }

  /**
   * The read node of a new unit of work: the selector's choice, or while that node is down or
   * behind, another choice of the selector's, else any available read node, else the primary. A
   * down replica whose retry is due is given to this caller alone ({@link Node#isAvailable()}).
   */
  public Node forNewUnitOfWork() {
    Node selected = selector.select();
    return selected.isAvailable() ? selected : anotherAvailable(selected);
  }

  private Node anotherAvailable(Node unavailable) {
    // Asking the selector again keeps its distribution over the nodes that are left.
    for (int attempt = 0; attempt < readNodes.size(); attempt++) {
      Node node = selector.select();
      if (node != unavailable && node.isAvailable()) {
        return node;
      }
    }
    for (Node node : readNodes) {
      if (node != unavailable && node.servesReadsUnder(kind) && node.isAvailable()) {
        return node;
      }
    }
    return primary;
  }

  /** Whether {@code readNode} is the primary only because no replica could be used. */
  public boolean isFallback(Node readNode) {
    return readNode.isPrimary() && !primaryIsReadNode;
  }

  /** Whether a replica that can be reached is behind: why the primary serves reads instead. */
  public boolean anyReachableReplicaBehind() {
    for (Node replica : replicas) {
      if (replica.isBehind() && !replica.isUnreachable()) {
        return true;
      }
    }
    return false;
  }

  /**
   * For {@code usingReplica()}: a random usable replica, preferring those the selector gives reads;
   * {@code null} when none is usable.
   */
  public Node anyUsableReplica() {
    Node serving = randomUsable(servingReplicas);
    return serving != null ? serving : randomUsable(replicas);
  }

  private static Node randomUsable(List<Node> candidates) {
    int usable = 0;
    for (Node node : candidates) {
      if (node.isUsable()) {
        usable++;
      }
    }
    if (usable == 0) {
      return null;
    }
    int pick = ThreadLocalRandom.current().nextInt(usable);
    for (Node node : candidates) {
      if (node.isUsable() && pick-- == 0) {
        return node;
      }
    }
    return null; // a node went down meanwhile: none this time
  }

  /**
   * For read-your-writes: {@code preferred} if it has replayed {@code position}, else the first
   * usable replica the selector gives reads that has, in configuration order; {@code null} when
   * none has. {@code positionOf} says where a replica is (a cached answer, or a new one): it is
   * asked only of replicas that could be chosen.
   */
  public Node caughtUp(
      Node preferred,
      ReplicationPosition position,
      Function<Node, ReplicationPosition> positionOf) {
    if (positionOf.apply(preferred).reached(position)) {
      return preferred;
    }
    for (Node replica : servingReplicas) {
      if (replica != preferred
          && replica.isUsable()
          && positionOf.apply(replica).reached(position)) {
        return replica;
      }
    }
    return null;
  }

  /**
   * While the primary cannot be reached: the replica that reads meant for it go to instead, {@code
   * null} when no replica can be reached. The first (in configuration order) that has applied
   * {@code required}; else the most advanced one, which is what a standby promoted from it would
   * have; else a usable one; else any that can be reached, however far behind: with the primary
   * gone it is the newest data there is. {@code positionOf} is {@code null} where positions are not
   * read; it is asked only of replicas that can be reached, and even of weight 0 ones, which serve
   * no reads only while the primary does.
   */
  public Node standInForPrimary(
      ReplicationPosition required, Function<Node, ReplicationPosition> positionOf) {
    if (positionOf != null) {
      Node furthest = null;
      ReplicationPosition furthestAt = ReplicationPosition.NONE;
      for (Node replica : replicas) {
        if (replica.isUnreachable() || replica.role() == Node.Role.FENCED) {
          continue;
        }
        ReplicationPosition at = positionOf.apply(replica);
        if (!required.isNone() && at.reached(required)) {
          return replica;
        }
        if (!at.isNone() && (furthest == null || !furthestAt.reached(at))) {
          furthest = replica;
          furthestAt = at;
        }
      }
      if (furthest != null) {
        return furthest;
      }
    }
    Node usable = randomUsable(replicas);
    if (usable != null) {
      return usable;
    }
    for (Node replica : replicas) {
      if (!replica.isUnreachable() && replica.role() != Node.Role.FENCED) {
        return replica;
      }
    }
    return null;
  }
}
