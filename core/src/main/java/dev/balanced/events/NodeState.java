package dev.balanced.events;

/** A node's state as routing sees it. */
public enum NodeState {
  /** Reachable, and (for a replica) within the lag limit: it serves reads. */
  UP,
  /** It could not be connected to: left out until it is reachable again. */
  DOWN,
  /** A replica further behind than {@code max_replica_lag_ms}: left out until it catches up. */
  BEHIND
}
