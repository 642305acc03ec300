package dev.balanced.internal.routing;

/**
 * What a write is, for messages, logs and the pin reason: "persist of com.example.Item", "update of
 * com.example.Item#7", "SQL statement 'update item ...'". The first write of every unit of work
 * makes one, and most are never shown, so it keeps the parts and writes the text only when read.
 */
public final class WriteOperation {
  private final String action;
  private final String target;

  /** The entity's id, or {@code null} when the write names none. */
  private final Object id;

  /** The statement itself for a write seen as SQL, described on demand; else {@code null}. */
  private final String sql;

  /** What found {@link #sql} a write, to say why; {@code null} for an entity operation. */
  private final SqlClassifier classifier;

  private WriteOperation(
      String action, String target, Object id, String sql, SqlClassifier classifier) {
    this.action = action;
    this.target = target;
    this.id = id;
    this.sql = sql;
    this.classifier = classifier;
  }

  /**
   * {@code action} of {@code target}#{@code id}: "update of com.example.Item#7"; without the id
   * when it is {@code null}: "persist of com.example.Item".
   */
  public static WriteOperation of(String action, String target, Object id) {
    return new WriteOperation(action, target, id, null, null);
  }

  /**
   * A statement that {@code classifier} found to write, described by its first words and table, or
   * by what makes a query a write (a lock, a function with effects, one of the declared ones).
   */
  static WriteOperation statement(String sql, SqlClassifier classifier) {
    return new WriteOperation(null, null, null, sql, classifier);
  }

  @Override
  public String toString() {
    if (sql != null) {
      return classifier.describe(sql);
    }
    return id == null ? action + " of " + target : action + " of " + target + "#" + id;
  }
}
