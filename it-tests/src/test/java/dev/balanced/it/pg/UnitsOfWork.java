package dev.balanced.it.pg;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.pg.PgNode;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

  /**
   * Units of work run on threads until closed, as an application under load runs them: readers that
   * each read one seeded account per unit of work, writers that each persist one new account per
   * unit of work (owner {@code write-<n>}), and any other loop. Every outcome is recorded.
   */
  static final class Load implements AutoCloseable {
    final ConcurrentLinkedQueue<Outcome> reads = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Outcome> writes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger attempt = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final PgBalanced db;

    Load(PgBalanced db) {
      this.db = db;
    }

    /** {@code count} threads reading one of {@code ids} per unit of work. */
    Load readers(int count, List<Long> ids) {
      for (int reader = 0; reader < count; reader++) {
        loop(
            () ->
                reads.add(
                    timed(
                        null,
                        () -> {
                          try (EntityManager em = db.emf.createEntityManager()) {
                            Long id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                            assertNotNull(em.find(Account.class, id));
                          }
                        })));
      }
      return this;
    }

    /** {@code count} threads writing one new account per unit of work, 5 ms apart. */
    Load writers(int count) {
      for (int writer = 0; writer < count; writer++) {
        loop(
            () -> {
              String owner = "write-" + attempt.incrementAndGet();
              writes.add(
                  timed(owner, () -> db.inTransaction(em -> em.persist(new Account(owner, 1)))));
              pause(5);
            });
      }
      return this;
    }

    /** A thread that runs {@code once} (it may open a context), then {@code step} until closed. */
    Load thread(Runnable once, Runnable step) {
      threads.submit(
          () -> {
            once.run();
            while (running.get()) {
              step.run();
            }
          });
      return this;
    }

    /** A thread that runs its own loop until {@link #running()} is false. */
    Load thread(Runnable body) {
      threads.submit(body);
      return this;
    }

    boolean running() {
      return running.get();
    }

    private void loop(Runnable step) {
      thread(() -> {}, step);
    }

    /** Waits until a write that started after {@code nanos} succeeded; returns when it ended. */
    long awaitWriteStartedAfter(long nanos, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        for (Outcome write : writes) {
          if (write.failure() == null && write.startedNanos() >= nanos) {
            return write.endedNanos();
          }
        }
        assertTrue(System.nanoTime() < deadline, "no write succeeded within " + timeout);
        pause(10);
      }
    }

    /** Stops the threads and waits for their last units of work. */
    @Override
    public void close() throws InterruptedException {
      running.set(false);
      threads.shutdown();
      assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS), "the load stops");
    }
  }
}
