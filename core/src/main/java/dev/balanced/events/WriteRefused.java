package dev.balanced.events;

/**
 * Strict mode refused a write because its context was not pinned ({@code UnpinnedWriteException}).
 *
 * @param operation {@code persist}, {@code update}, {@code sql} and so on
 * @param entity the entity's name, {@code null} for SQL
 */
public record WriteRefused(String operation, String entity) {}
