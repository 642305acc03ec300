package dev.balanced;

import static dev.balanced.Queries.insertItem;
import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many short units of work on a thread pool, as in a server: 16 threads run 16 x 200 tasks, so each
 * thread runs some 200 tasks in turn while 15 others run at the same time (on 4 pooled connections
 * per node). A pin taken by one task must never reach another task, whether it runs at the same
 * time or later on the same pooled thread.
 */
class PinningContextConcurrencyTest {
  private static final List<String> REPLICAS = List.of("r1", "r2");
  private static final int THREADS = 16;
  private static final int WORKERS = 16;
  private static final int ITERATIONS = 200;

  private TestCluster cluster;
  private ExecutorService pool;

  @BeforeEach
  void start() {
    cluster = TestCluster.start();
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void close() throws Exception {
    try {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    } finally {
      cluster.close();
    }
  }

  /** Runs {@code WORKERS x ITERATIONS} tasks on the pool and fails with the first failure. */
  private void runAll(TaskBody body) throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Future<Void>> futures = new ArrayList<>();
    for (int worker = 0; worker < WORKERS; worker++) {
      for (int iteration = 0; iteration < ITERATIONS; iteration++) {
        int task = worker * ITERATIONS + iteration;
        Callable<Void> callable =
            () -> {
              threads.add(Thread.currentThread().getName());
              assertNull(PinningContext.current(), "task " + task + " found a context left over");
              body.run(task);
              assertNull(PinningContext.current(), "task " + task + " left its context behind");
              return null;
            };
        futures.add(pool.submit(callable));
      }
    }
    for (Future<Void> future : futures) {
      future.get(60, TimeUnit.SECONDS);
    }
    assertEquals(THREADS, threads.size(), "the threads were reused across tasks");
  }

  @FunctionalInterface
  interface TaskBody {
    void run(int task) throws Exception;
  }

  @Test
  void pinsOfEvenTasksNeverReachOddTasks() throws Exception {
    AtomicInteger writes = new AtomicInteger();
    runAll(
        task ->
            PinningContext.call(
                () -> {
                  PinningContext context = PinningContext.current();
                  assertNotNull(context);
                  assertFalse(context.isPinned(), "task " + task + " started pinned");
                  boolean pinning = task % 2 == 0;
                  if (pinning) {
                    try (Connection connection = cluster.dataSource.getConnection()) {
                      if (task % 4 == 0) {
                        session(connection).pin();
                      } else {
                        insertItem(connection, task);
                        writes.incrementAndGet();
                      }
                    }
                  }
                  try (Connection connection = cluster.dataSource.getConnection()) {
                    String node = servedBy(connection);
                    if (pinning) {
                      assertEquals("primary", node, "task " + task + " lost its own pin");
                    } else {
                      assertTrue(REPLICAS.contains(node), "task " + task + " got a foreign pin");
                    }
                  }
                  return null;
                }));
    assertEquals(writes.get(), cluster.items("primary"));
    assertEquals(0, cluster.items("r1") + cluster.items("r2"));
  }

  @Test
  void tasksWithoutAContextNeverInheritAPin() throws Exception {
    runAll(
        task -> {
          if (task % 2 == 0) {
            PinningContext.run(
                () -> {
                  try (Connection connection = cluster.dataSource.getConnection()) {
                    session(connection).pin();
                    assertEquals("primary", servedBy(connection));
                  } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                  }
                });
          } else {
            // No context: had a pinned context leaked onto this pooled thread, this connection
            // would join it and read from the primary.
            try (Connection connection = cluster.dataSource.getConnection()) {
              assertFalse(session(connection).isPinned(), "task " + task + " joined a pin");
              assertTrue(REPLICAS.contains(servedBy(connection)));
            }
          }
        });
  }
}
