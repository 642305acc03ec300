package dev.balanced.demo;

import dev.balanced.BalancedSession;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What one page asked the database, and which node answered and why. The node and the reason are
 * read from the session just before each query runs: that is the routing decision the query then
 * follows.
 */
final class QueryLog {
  record Entry(String query, String node, String reason, String result) {}

  private final List<Entry> entries = new ArrayList<>();

  <T> T run(
      EntityManager em,
      String query,
      Function<EntityManager, T> work,
      Function<T, String> summary) {
    BalancedSession balanced = em.unwrap(BalancedSession.class);
    String node = balanced.currentEngine();
    String reason = balanced.routeReason();
    T result = work.apply(em);
    entries.add(new Entry(query, node, reason, summary.apply(result)));
    return result;
  }

  /** A write: it always goes to the primary; the reason is what the write did to the session. */
  void write(EntityManager em, String query, Runnable work, Supplier<String> result) {
    work.run();
    entries.add(
        new Entry(query, "primary", em.unwrap(BalancedSession.class).routeReason(), result.get()));
  }

  /** A write that failed: shown with the reason every write has, and what became of it. */
  void writeFailed(String query, String result) {
    entries.add(new Entry(query, "primary", "write intent", result));
  }

  /** The query run last. */
  Entry last() {
    return entries.get(entries.size() - 1);
  }

  List<Entry> entries() {
    return entries;
  }
}
