package dev.balanced.internal.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.PrimaryUnavailableException;
import dev.balanced.spi.PrimaryDownReads;
import dev.balanced.testing.CapturedLog;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A primary that cannot be reached: the first unit of work to find out waits out the pool's
 * connectionTimeout once, and every later one fails at once with {@link
 * PrimaryUnavailableException}, which names the primary, since when and why, without secrets. The
 * primary here is an address nothing listens on.
 */
class PrimaryOutageTest {
  private final AtomicLong clock = new AtomicLong();
  private HikariDataSource pool;

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
  }

  private Node primaryNothingListensOn(int minimumIdle) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:tcp://127.0.0.1:" + port + "/mem:gone;PASSWORD=hunter2");
    config.setUsername("sa");
    config.setConnectionTimeout(250);
    config.setMinimumIdle(minimumIdle);
    config.setMaximumPoolSize(2);
    config.setInitializationFailTimeout(-1);
    pool = new HikariDataSource(config);
    return new Node(
        "primary",
        0,
        true,
        1,
        pool,
        10,
        clock::get,
        NodeHealth.Listener.NONE,
        PrimaryDownReads.REPLICA);
  }

  @Test
  void onlyTheFirstCallerWaitsAndEveryOneGetsTheDedicatedException() throws Exception {
    Node primary = primaryNothingListensOn(0);
    PrimaryUnavailableException first;
    try (CapturedLog log = CapturedLog.start()) {
      first = assertThrows(PrimaryUnavailableException.class, primary::connect);
      log.assertLine("ERROR", "dev.balanced.topology", "primary primary cannot be reached");
      log.assertLine("ERROR", "reads that need the primary go to replicas");
      assertNotNull(first.getCause(), "the driver's failure is kept as the cause");

      for (int call = 0; call < 5; call++) {
        long started = System.nanoTime();
        PrimaryUnavailableException later =
            assertThrows(PrimaryUnavailableException.class, primary::connect);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.toMillis() < 100, "fails at once, not after connectionTimeout: " + took);
        assertEquals(first.getUnreachableSince(), later.getUnreachableSince());
      }
      assertEquals(1, log.count("ERROR"), "logged once per outage:\n" + log.text());
      log.assertNotLogged("hunter2");
    }
  }

  @Test
  void theExceptionIsRetryableAndSaysWhatHappened() throws Exception {
    Node primary = primaryNothingListensOn(0);
    try (CapturedLog ignored = CapturedLog.start()) {
      assertThrows(PrimaryUnavailableException.class, primary::connect);
      PrimaryUnavailableException failure =
          assertThrows(PrimaryUnavailableException.class, primary::connect);
      assertInstanceOf(SQLTransientConnectionException.class, failure);
      assertEquals("08001", failure.getSQLState());
      String message = failure.getMessage();
      assertTrue(message.startsWith("The primary primary (jdbc:h2:tcp://127.0.0.1:"), message);
      assertTrue(message.contains("PASSWORD=<masked>"), message);
      assertTrue(message.contains("unreachable since "), message);
      assertTrue(message.contains(", never reached"), message);
      assertTrue(message.contains("writes fail until a unit of work tries it again"), message);
      assertTrue(!message.contains("hunter2"), message);
      assertTrue(failure.getPrimary().startsWith("primary (jdbc:h2:tcp:"), failure.getPrimary());
      assertNull(failure.getLastReachable());
      assertTrue(
          !failure.getUnreachableSince().isAfter(Instant.now()),
          "" + failure.getUnreachableSince());
    }
  }

  /**
   * With {@code minimumIdle=0} the pool does not reconnect on its own: a thread of Balanced's tries
   * the primary again once {@code replica_retry_seconds} have passed, and callers keep failing at
   * once meanwhile, the one that found the retry due too.
   */
  @Test
  void aPoolThatDoesNotReconnectIsTriedAgainInTheBackgroundWhenItsRetryIsDue() throws Exception {
    Node primary = primaryNothingListensOn(0);
    try (CapturedLog log = CapturedLog.start()) {
      assertThrows(PrimaryUnavailableException.class, primary::connect);
      clock.addAndGet(Duration.ofSeconds(10).toNanos());

      long started = System.nanoTime();
      assertThrows(PrimaryUnavailableException.class, primary::connect);
      assertThrows(PrimaryUnavailableException.class, primary::connect);
      assertTrue(
          System.nanoTime() - started < Duration.ofMillis(100).toNanos(),
          "no caller waits for the retry");
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 0
          && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(
          1,
          pool.getHikariPoolMXBean().getThreadsAwaitingConnection(),
          "one thread of Balanced's waits for the pool instead");
      assertEquals(1, log.count("ERROR"), "the outage is logged once:\n" + log.text());
    }
  }
}
