package dev.balanced.events;

import java.time.Instant;

/**
 * A node as a health endpoint shows it, at one moment.
 *
 * @param name "primary" or the replica's name
 * @param primary whether it is the primary
 * @param state whether it serves reads
 * @param lagMillis a replica's last measured lag ({@code max_replica_lag_ms}); -1 when not measured
 * @param downSince when it was found unreachable, while it is {@link NodeState#DOWN}; else {@code
 *     null}
 * @param lastError why it was last found unreachable, with credentials masked; {@code null} if it
 *     never was
 * @param activeConnections its pool's connections in use
 * @param idleConnections its pool's idle connections
 * @param waitingThreads threads waiting for a connection of its pool
 * @param maximumPoolSize its pool's maximum size
 * @param positionQueries how many times a replica was asked where it has replayed to (a round trip
 *     each; {@code lsn} mode and the lag limit ask), 0 for the primary
 * @param positionCacheAnswers how many of those questions the cache answered instead
 */
public record NodeStatus(
    String name,
    boolean primary,
    NodeState state,
    long lagMillis,
    Instant downSince,
    String lastError,
    int activeConnections,
    int idleConnections,
    int waitingThreads,
    int maximumPoolSize,
    long positionQueries,
    long positionCacheAnswers) {}
