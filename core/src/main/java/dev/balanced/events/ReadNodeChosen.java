package dev.balanced.events;

/**
 * Where a unit of work's first read went.
 *
 * @param node "primary" or the replica's name
 * @param reason why: {@code selector}, {@code read-your-writes}, {@code pin}, {@code scope}, {@code
 *     read-only session}, {@code replica unreachable} or {@code replica behind}
 */
public record ReadNodeChosen(String node, String reason) {}
