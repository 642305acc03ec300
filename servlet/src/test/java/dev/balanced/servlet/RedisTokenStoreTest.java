package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.servlet.testing.RedisServer;
import dev.balanced.testing.CapturedLog;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisTokenStore} against a real redis-server that the test starts on a free loopback port
 * (it fails, never skips, when none can be started): the store contract, the keys it writes, and
 * Redis going away, hanging, coming back, or refusing the credentials.
 */
class RedisTokenStoreTest extends TokenStoreContract {
  static final Duration TIMEOUT = Duration.ofMillis(300);
  static RedisServer redis;
  static RedisClient client;
  static StatefulRedisConnection<String, String> raw;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    client = RedisClient.create(redis.uri());
    raw = client.connect();
  }

  @AfterAll
  static void stopRedis() {
    try {
      if (raw != null) {
        raw.close();
        client.shutdown();
      }
    } finally {
      if (redis != null) {
        redis.close();
      }
    }
  }

  @AfterEach
  void closeStores() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (!redis.isRunning()) {
      redis.restart();
    }
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  /** A store with a prefix of its own, so that tests do not see each other's keys. */
  @Override
  TokenStore store() {
    return closeLater(new RedisTokenStore(redis.uri(), "test:" + UUID.randomUUID() + ":", TIMEOUT));
  }

  @Override
  void advance(Duration time) throws InterruptedException {
    Thread.sleep(time.toMillis());
  }

  @Test
  void eachTokenIsAStringKeyWithThePrefixAndAnExpiry() {
    RedisTokenStore store = closeLater(new RedisTokenStore(redis.uri()));
    store.put("alice", TOKEN, Duration.ofSeconds(30));
    assertEquals(TOKEN, raw.sync().get("balanced:token:alice"));
    long pttl = raw.sync().pttl("balanced:token:alice");
    assertTrue(pttl > 28_000 && pttl <= 30_000, "SET ... PX 30000, left " + pttl);
    store.remove("alice");
    assertEquals(0, raw.sync().exists("balanced:token:alice"));
  }

  @Test
  void whateverElseIsStoredUnderTheKeyGrantsNothing() {
    RedisTokenStore store = closeLater(new RedisTokenStore(redis.uri(), "junk:", TIMEOUT));
    raw.sync().set("junk:alice", "not a token; Set-Cookie: x");
    raw.sync().set("junk:bob", "x".repeat(100_000));
    raw.sync().lpush("junk:carol", TOKEN); // another type: Redis answers WRONGTYPE
    assertNull(store.get("alice"));
    assertNull(store.get("bob"));
    try (CapturedLog log = CapturedLog.start()) {
      assertNull(assertDoesNotThrow(() -> store.get("carol")));
      log.assertLine("RedisTokenStore", "WRONGTYPE");
    }
  }

  @Test
  void redisStoppedMidTestGrantsNothingAndThrowsNothingUntilItIsBack() throws Exception {
    RedisTokenStore store = closeLater(new RedisTokenStore(redis.uri(), "down:", TIMEOUT));
    store.put("alice", TOKEN, Duration.ofSeconds(30));
    assertEquals(TOKEN, store.get("alice"));

    try (CapturedLog log = CapturedLog.start()) {
      redis.stop();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        assertNull(assertDoesNotThrow(() -> store.get("alice")));
        assertDoesNotThrow(() -> store.put("alice", TOKEN, Duration.ofSeconds(30)));
        assertDoesNotThrow(() -> store.remove("alice"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 3 * TIMEOUT.toMillis() + 1000, "bounded by the timeout: " + millis);
      }
      assertEquals(
          1,
          log.count("WARN", "RedisTokenStore"),
          "one warning for 15 failed calls:\n" + log.text());

      redis.restart(); // without persistence: empty
      eventually(
          () -> {
            store.put("alice", OTHER_TOKEN, Duration.ofSeconds(30));
            return OTHER_TOKEN.equals(store.get("alice"));
          },
          "the store reconnects by itself");
      log.assertLine("INFO", "RedisTokenStore", "answers again");
    }
  }

  @Test
  void aHangingRedisTimesOut() throws Exception {
    RedisTokenStore store = closeLater(new RedisTokenStore(redis.uri(), "hang:", TIMEOUT));
    store.put("alice", TOKEN, Duration.ofSeconds(30));
    try (CapturedLog log = CapturedLog.start()) {
      redis.freeze();
      try {
        for (int i = 0; i < 3; i++) {
          long start = System.nanoTime();
          assertNull(store.get("alice"));
          store.put("alice", TOKEN, Duration.ofSeconds(30));
          long millis = (System.nanoTime() - start) / 1_000_000;
          assertTrue(millis < 2 * TIMEOUT.toMillis() + 1000, "bounded by the timeout: " + millis);
        }
      } finally {
        redis.thaw();
      }
      eventually(() -> TOKEN.equals(store.get("alice")), "answers again once Redis does");
      log.assertLine("WARN", "RedisTokenStore", "GET timed out after 300 ms");
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutAlsoWhenConnecting() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // and never answer
                  }
                } catch (Exception e) {
                  // closed
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      long start = System.nanoTime();
      try (CapturedLog log = CapturedLog.start()) {
        RedisTokenStore store =
            closeLater(
                new RedisTokenStore(
                    "redis://127.0.0.1:" + silent.getLocalPort(), "silent:", TIMEOUT));
        assertNull(store.get("alice"));
        store.put("alice", TOKEN, Duration.ofSeconds(30));
        log.assertLine("WARN", "RedisTokenStore", "cannot connect");
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 4 * TIMEOUT.toMillis() + 2000, "bounded by the timeout: " + millis);
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void aStoreMadeWhileRedisIsDownConnectsOnceItIsUp() throws Exception {
    redis.stop();
    RedisTokenStore store;
    try (CapturedLog log = CapturedLog.start()) {
      store =
          closeLater(assertDoesNotThrow(() -> new RedisTokenStore(redis.uri(), "late:", TIMEOUT)));
      assertNull(store.get("alice"));
      log.assertLine("WARN", "RedisTokenStore", "cannot connect");
    }
    redis.restart();
    eventually(
        () -> {
          store.put("alice", TOKEN, Duration.ofSeconds(30));
          return TOKEN.equals(store.get("alice"));
        },
        "connects lazily once Redis is up");
  }

  @Test
  void wrongCredentialsGrantNothingAndNeverShowThePassword() {
    try (CapturedLog log = CapturedLog.start()) {
      RedisTokenStore store =
          closeLater(
              new RedisTokenStore(
                  "redis://user:s3cret-pw@127.0.0.1:" + redis.port(), "auth:", TIMEOUT));
      assertFalse(store.toString().contains("s3cret-pw"), store.toString());
      store.put("alice", TOKEN, Duration.ofSeconds(30));
      assertNull(store.get("alice"));
      log.assertLine("WARN", "RedisTokenStore", "cannot connect");
      log.assertNotLogged("s3cret-pw");
    }

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new RedisTokenStore("http://user:s3cret-pw@127.0.0.1:1"));
    assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RedisTokenStore("garbage"));
    assertThrows(IllegalArgumentException.class, () -> new RedisTokenStore(" "));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RedisTokenStore(redis.uri(), null, TIMEOUT),
        "prefix");
    assertThrows(
        IllegalArgumentException.class,
        () -> new RedisTokenStore(redis.uri(), "p:", Duration.ZERO),
        "timeout");
  }

  @Test
  void onTheApplicationsConnectionWhichItLeavesOpen() {
    try (StatefulRedisConnection<String, String> mine = client.connect()) {
      RedisTokenStore store = new RedisTokenStore(mine);
      store.put("alice", TOKEN, Duration.ofSeconds(30));
      assertEquals(TOKEN, store.get("alice"));
      assertEquals(TOKEN, mine.sync().get("balanced:token:alice"));
      store.close();
      assertTrue(mine.isOpen(), "the application's connection stays open");
      assertEquals("PONG", mine.sync().ping());
      mine.sync().del("balanced:token:alice");
    }
  }

  static void eventually(Supplier<Boolean> condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      if (condition.get()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(what + ": not within 20 s");
  }
}
