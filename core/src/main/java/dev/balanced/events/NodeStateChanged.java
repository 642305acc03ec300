package dev.balanced.events;

/**
 * A node's state changed.
 *
 * @param node "primary" or the replica's name
 * @param from the state before
 * @param to the state now
 * @param lagMillis the replica's last measured lag, -1 when it is not measured
 */
public record NodeStateChanged(String node, NodeState from, NodeState to, long lagMillis) {}
