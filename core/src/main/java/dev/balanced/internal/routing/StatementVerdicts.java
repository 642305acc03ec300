package dev.balanced.internal.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers a router's {@link SqlClassifier#isWrite} per SQL text. ORMs send the same few hundred
 * statement strings over and over, so after warm-up a statement costs a hash lookup (the string
 * caches its hash) instead of a scan. Bounded: applications that build SQL with literals would
 * otherwise fill it; when full it starts over, which costs only re-scans.
 */
final class StatementVerdicts {
  static final int MAX_ENTRIES = 4096;

  /** Longer statements are rare and unlikely to repeat; they are scanned every time. */
  static final int MAX_CACHED_LENGTH = 4096;

  private final Map<String, Boolean> writes = new ConcurrentHashMap<>();
  private final SqlClassifier classifier;

  StatementVerdicts(SqlClassifier classifier) {
    this.classifier = classifier;
  }

  boolean isWrite(String sql) {
    if (sql.length() > MAX_CACHED_LENGTH) {
      return classifier.isWrite(sql);
    }
    Boolean known = writes.get(sql);
    if (known != null) {
      return known;
    }
    boolean write = classifier.isWrite(sql);
    if (writes.size() >= MAX_ENTRIES) {
      writes.clear();
    }
    writes.put(sql, write);
    return write;
  }

  SqlClassifier classifier() {
    return classifier;
  }

  int size() {
    return writes.size();
  }
}
