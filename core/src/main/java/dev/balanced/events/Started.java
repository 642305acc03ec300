package dev.balanced.events;

import java.util.List;
import java.util.function.Supplier;

/**
 * A runtime started: its nodes, and a way to ask for their health at any time (for gauges and
 * health endpoints).
 *
 * @param nodes "primary" first, then the replicas' names
 * @param health each node's status now, in the order of {@code nodes}
 */
public record Started(List<String> nodes, Supplier<List<NodeStatus>> health) {}
