package dev.balanced.internal.routing;

import dev.balanced.spi.WriteIntent;

/**
 * A write seen only as SQL: described by its first words and table, or by what makes a query a
 * write (a lock, a function with effects, one of the declared ones), by the classifier that found
 * it to write.
 */
record SqlWriteIntent(String sql, SqlClassifier classifier) implements WriteIntent {
  @Override
  public String operation() {
    return "sql";
  }

  @Override
  public String toString() {
    return classifier.describe(sql);
  }
}
