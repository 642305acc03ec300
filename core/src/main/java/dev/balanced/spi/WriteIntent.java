package dev.balanced.spi;

/**
 * A write about to be made, as a unit of work is told of it before any of its SQL is sent ({@link
 * UnitOfWork#beforeWrite}): it pins the context in greedy mode, and names the refused write in
 * strict mode. Its description ({@link #toString()}) is made only when read: the first write of
 * every unit of work makes one, and most are never shown.
 */
public interface WriteIntent {

  /**
   * {@code action} of {@code target}#{@code id}: "update of com.example.Item#7"; without the id
   * when it is {@code null}: "persist of com.example.Item".
   */
  static WriteIntent of(String action, String target, Object id) {
    return new EntityWrite(action, target, id);
  }

  /** What is written, for messages, logs and the pin reason. */
  @Override
  String toString();

  /** The kind of write, short and bounded for metric tags: "persist", "update", "sql". */
  String operation();

  /** The written entity's name; {@code null} when the write is known only as SQL. */
  default String entity() {
    return null;
  }

  /** A write an ORM knows as an operation on an entity. */
  record EntityWrite(String action, String target, Object id) implements WriteIntent {
    @Override
    public String operation() {
      return action;
    }

    @Override
    public String entity() {
      return target;
    }

    @Override
    public String toString() {
      return id == null ? action + " of " + target : action + " of " + target + "#" + id;
    }
  }
}
