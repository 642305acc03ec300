package dev.balanced.events;

/**
 * A context was pinned to the primary: its later reads go there too.
 *
 * @param kind a short, bounded name of the cause, fit for a metric tag: {@code write intent},
 *     {@code pin()}, {@code master parameter}, {@code annotation}, {@code primary path} or {@code
 *     application} (any other reason given to {@code PinningContext.pin(String)})
 * @param reason the full reason, as {@code PinningContext.pinReason()} says it
 * @param operation for a write intent: {@code persist}, {@code update}, {@code remove}, {@code
 *     lock}, {@code sql} and so on; {@code null} otherwise
 * @param entity for a write intent on an entity: its name; {@code null} otherwise
 */
public record Pinned(String kind, String reason, String operation, String entity) {}
