package dev.balanced.it.pg;

import dev.balanced.testing.pg.PgNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the outage and failover tests record of the units of work they run, and ask of nodes. */
final class UnitsOfWork {
  private UnitsOfWork() {}

  /** One unit of work's outcome: when it ended, how long it took, what it wrote, what it threw. */
  record Outcome(long endedNanos, long tookNanos, String owner, Throwable failure) {
    long startedNanos() {
      return endedNanos - tookNanos;
    }

    boolean failedAfter(long nanos) {
      return failure != null && startedNanos() >= nanos;
    }
  }

  /** Runs {@code work}, timing it and keeping what it threw. */
  static Outcome timed(String owner, Runnable work) {
    long started = System.nanoTime();
    Throwable failure = null;
    try {
      work.run();
    } catch (RuntimeException | AssertionError e) {
      failure = e;
    }
    long ended = System.nanoTime();
    return new Outcome(ended, ended - started, owner, failure);
  }

  /** The failures of those that started after {@code nanos}. */
  static List<String> failuresAfter(Collection<Outcome> outcomes, long nanos) {
    return outcomes.stream()
        .filter(o -> o.failedAfter(nanos))
        .map(o -> String.valueOf(o.failure()))
        .toList();
  }

  /** The first of {@code failure}'s causes (itself included) of {@code type}, else null. */
  static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** The owners of the accounts on {@code node}, read there directly. */
  static Set<String> owners(PgNode node) throws SQLException {
    Set<String> owners = new HashSet<>();
    try (Connection connection = node.connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("select owner from account")) {
      while (rs.next()) {
        owners.add(rs.getString(1));
      }
    }
    return owners;
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
