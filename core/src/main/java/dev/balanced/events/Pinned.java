package dev.balanced.events;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A context was pinned to the primary: its later reads go there too.
 *
 * <p>A value, like the other events; a class rather than a record only so that the full reason of a
 * write (which names its entity) is put into words when someone asks for it, not on every write.
 */
public final class Pinned {
  private final String kind;
  private final Supplier<String> reason;
  private final String operation;
  private final String entity;
  private String reasonText;

  /**
   * @param kind a short, bounded name of the cause, fit for a metric tag: {@code write intent},
   *     {@code pin()}, {@code master parameter}, {@code annotation}, {@code primary path} or {@code
   *     application} (any other reason given to {@code PinningContext.pin(String)})
   * @param reason the full reason, as {@code PinningContext.pinReason()} says it
   * @param operation for a write intent: {@code persist}, {@code update}, {@code remove}, {@code
   *     lock}, {@code sql} and so on; {@code null} otherwise
   * @param entity for a write intent on an entity: its name; {@code null} otherwise
   */
  public Pinned(String kind, String reason, String operation, String entity) {
    this(kind, () -> reason, operation, entity);
    this.reasonText = reason;
  }

  /** As the other constructor, with the reason put into words on first request. */
  public Pinned(String kind, Supplier<String> reason, String operation, String entity) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.operation = operation;
    this.entity = entity;
  }

  /** The bounded kind of cause; see the constructor. */
  public String kind() {
    return kind;
  }

  /** The full reason, as {@code PinningContext.pinReason()} says it. */
  public String reason() {
    String text = reasonText;
    if (text == null) {
      text = reason.get();
      reasonText = text;
    }
    return text;
  }

  /** The write's operation, {@code null} for a pin that is not a write. */
  public String operation() {
    return operation;
  }

  /** The written entity's name, {@code null} when none. */
  public String entity() {
    return entity;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Pinned that
        && kind.equals(that.kind)
        && reason().equals(that.reason())
        && Objects.equals(operation, that.operation)
        && Objects.equals(entity, that.entity);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, reason(), operation, entity);
  }

  @Override
  public String toString() {
    return "Pinned[kind="
        + kind
        + ", reason="
        + reason()
        + ", operation="
        + operation
        + ", entity="
        + entity
        + "]";
  }
}
