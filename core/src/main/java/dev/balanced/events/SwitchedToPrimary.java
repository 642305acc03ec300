package dev.balanced.events;

/**
 * A unit of work that had read from a replica wrote, and from then on reads and writes on the
 * primary (greedy mode). Its earlier reads may have been stale: guard read-modify-write with
 * {@code @Version}.
 *
 * @param from the replica it had read from
 * @param operation the write that moved it: {@code persist}, {@code update}, {@code sql}, ...
 * @param entity the entity's name, {@code null} for SQL
 */
public record SwitchedToPrimary(String from, String operation, String entity) {}
