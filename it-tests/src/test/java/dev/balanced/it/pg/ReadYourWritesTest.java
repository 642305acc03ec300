package dev.balanced.it.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.PinningContext;
import dev.balanced.internal.consistency.ConsistencyToken;
import dev.balanced.internal.consistency.TokenCodec;
import dev.balanced.internal.position.ReplicationPosition;
import dev.balanced.metrics.BalancedMetrics;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PostgresCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.persistence.EntityManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes across units of work, on a real primary whose standby applies WAL 300 ms late.
 * Each "request" is its own pinning context; the only thing carried from a write to the next
 * request is the consistency token.
 */
@PostgresCluster(
    standbys = 1,
    applyDelayMs = 300,
    // Every statement in the servers' logs, so a test can count what the library asked a standby.
    settings = {"log_statement=all"})
class ReadYourWritesTest {
  private PgBalanced db;

  @AfterEach
  void stop() {
    if (db != null) {
      db.close();
    }
  }

  private void start(PgCluster cluster, String consistency, Map<String, Object> more) {
    Map<String, Object> settings = new java.util.HashMap<>(more);
    settings.put("hibernate.balanced.consistency", consistency);
    settings.put("hibernate.balanced.token_secret", PgBalanced.SECRET);
    db = PgBalanced.start(cluster, settings);
    // Open pooled connections and compile the queries once, so the timed flows below measure
    // routing, not connection set-up: the standby is only 300 ms behind.
    for (int i = 0; i < 2; i++) {
      String owner = owner();
      read(write(owner), owner);
      read(null, owner);
    }
  }

  /** A request that writes a new account and hands out its token. */
  private String write(String owner) {
    try (PinningContext request = PinningContext.open()) {
      db.inTransaction(em -> em.persist(new Account(owner, 1)));
      return request.token();
    }
  }

  record Read(boolean found, boolean fromStandby) {}

  /** A later request, opened with {@code token}, looking for the account. */
  private Read read(String token, String owner) {
    try (PinningContext request = PinningContext.open(token);
        EntityManager em = db.emf.createEntityManager()) {
      boolean fromStandby = PgBalanced.readsFromStandby(em);
      long found =
          em.createQuery("select count(a) from Account a where a.owner = :owner", Long.class)
              .setParameter("owner", owner)
              .getSingleResult();
      return new Read(found == 1, fromStandby);
    }
  }

  private static String owner() {
    return "user-" + UUID.randomUUID();
  }

  @Test
  void timeModeTheTokenSeesTheWriteAndWithoutItTheStandbyIsStale(PgCluster cluster) {
    start(cluster, "time", Map.of());
    String owner = owner();
    long written = System.nanoTime();
    String token = write(owner);
    Read withoutToken = read(null, owner);
    long elapsedMs = (System.nanoTime() - written) / 1_000_000;
    Read withToken = read(token, owner);

    assertNotNull(token);
    assertTrue(withoutToken.fromStandby());
    assertFalse(
        withoutToken.found(),
        "without a token the 300 ms-late standby should not have the row yet ("
            + elapsedMs
            + " ms)");
    assertTrue(withToken.found());
    assertFalse(withToken.fromStandby(), "time mode reads from the primary while the pin lasts");
  }

  @Test
  void lsnModeTheTokenSeesTheWriteAndTheStandbyServesItAgainOnceReplayed(PgCluster cluster) {
    start(cluster, "lsn", Map.of());
    String owner = owner();
    long written = System.nanoTime();
    String token = write(owner);
    Read withoutToken = read(null, owner);
    long elapsedMs = (System.nanoTime() - written) / 1_000_000;
    Read withToken = read(token, owner);

    assertTrue(withoutToken.fromStandby());
    assertFalse(withoutToken.found(), "stale without a token (" + elapsedMs + " ms after commit)");
    assertTrue(withToken.found(), "the token must see its write, wherever it reads");

    cluster.waitForReplay(Duration.ofSeconds(30));
    Read afterReplay = read(token, owner);
    assertTrue(afterReplay.found());
    assertTrue(afterReplay.fromStandby(), "once replayed, the standby serves the token again");
  }

  @Test
  void aCaughtUpStandbyIsNotAskedForItsPositionOnEveryRequest(PgCluster cluster) throws Exception {
    start(cluster, "lsn", Map.of());
    String owner = owner();
    String token = write(owner);
    cluster.waitForReplay(Duration.ofSeconds(30));
    Path log = cluster.standby(1).logFile();
    long before = positionQueries(log);
    for (int i = 0; i < 10; i++) {
      Read read = read(token, owner);
      assertTrue(read.found() && read.fromStandby());
    }
    long asked = positionQueries(log) - before;
    assertTrue(
        asked <= 1, "10 requests asked the standby for its replay position " + asked + " times");
  }

  @Test
  void aStandbyThatIsBehindIsAskedAtMostOncePerLsnRefreshMs(PgCluster cluster) throws Exception {
    // lsn_refresh_ms=0: every request that needs the write asks the standby again.
    start(cluster, "lsn", Map.of("hibernate.balanced.lsn_refresh_ms", "0"));
    assertEquals(5, positionQueriesOfBehindReads(cluster), "lsn_refresh_ms=0 asks every time");

    // A long interval: the standby is asked once at most, the requests in between take the last
    // answer (behind) and read from the primary.
    db.close();
    db = null;
    start(cluster, "lsn", Map.of("hibernate.balanced.lsn_refresh_ms", "600000"));
    long asked = positionQueriesOfBehindReads(cluster);
    assertTrue(asked <= 1, "5 requests within lsn_refresh_ms asked " + asked + " times");
  }

  /**
   * Five requests that must see a write the paused standby has not replayed: each is served by the
   * primary. Returns how often the standby was asked for its replay position meanwhile.
   */
  private long positionQueriesOfBehindReads(PgCluster cluster) throws Exception {
    Path log = cluster.standby(1).logFile();
    cluster.pauseReplay(cluster.standby(1));
    try {
      String owner = owner();
      String token = write(owner);
      long before = positionQueries(log);
      for (int i = 0; i < 5; i++) {
        Read read = read(token, owner);
        assertTrue(read.found());
        assertFalse(read.fromStandby(), "the standby has not replayed the write");
      }
      return positionQueries(log) - before;
    } finally {
      cluster.resumeReplay(cluster.standby(1));
    }
  }

  private static long positionQueries(Path log) throws Exception {
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(line -> line.contains("pg_last_wal_replay_lsn")).count();
    }
  }

  @Test
  void lsnModeFallsBackToThePrimaryWhileReplayIsPaused(PgCluster cluster) {
    start(cluster, "lsn", Map.of());
    cluster.pauseReplay(cluster.standby(1));
    try {
      String owner = owner();
      String token = write(owner);
      Read read = read(token, owner);
      assertTrue(read.found());
      assertFalse(read.fromStandby());
      assertTrue(read(null, owner).fromStandby(), "requests without a token keep the standby");
    } finally {
      cluster.resumeReplay(cluster.standby(1));
    }
  }

  /** What an operator reads off the metrics in lsn mode: how tokens were honoured, and waits. */
  @Test
  void metricsCountTokenOutcomesWaitsAndPositionQuestions(PgCluster cluster) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    start(
        cluster,
        "lsn",
        Map.of(
            "hibernate.balanced.lsn_wait_ms",
            "3000",
            "hibernate.balanced.listeners",
            new BalancedMetrics(registry)));
    double waitedBefore = tokens(registry, "waited, replica");
    long timedBefore = waits(registry);

    String owner = owner();
    String token = write(owner);
    assertTrue(read(token, owner).fromStandby(), "waited for the standby, 300 ms late");
    assertEquals(waitedBefore + 1, tokens(registry, "waited, replica"));
    assertEquals(timedBefore + 1, waits(registry), "the wait is timed");

    double honouredBefore = tokens(registry, "honoured, caught-up replica");
    assertTrue(read(token, owner).fromStandby());
    assertEquals(
        honouredBefore + 1,
        tokens(registry, "honoured, caught-up replica"),
        "the standby is known to have the write now: no wait");
    String standby = cluster.standby(1).name();
    assertTrue(positionReads(registry, standby, "replica") > 0, "the standby was asked");
    assertTrue(positionReads(registry, standby, "cache") > 0, "and the cache answered too");
  }

  private static double tokens(SimpleMeterRegistry registry, String outcome) {
    var counter = registry.find("balanced.tokens").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private static long waits(SimpleMeterRegistry registry) {
    var timer = registry.find("balanced.lsn.wait").tag("outcome", "waited, replica").timer();
    return timer == null ? 0 : timer.count();
  }

  private static double positionReads(
      SimpleMeterRegistry registry, String node, String answeredBy) {
    return registry
        .get("balanced.replica.position.reads")
        .tags("node", node, "answered.by", answeredBy)
        .functionCounter()
        .count();
  }

  @Test
  void lsnWaitWaitsForTheStandbyThenFallsBack(PgCluster cluster) {
    start(cluster, "lsn", Map.of("hibernate.balanced.lsn_wait_ms", "3000"));
    // Replay running (300 ms late): the request waits for the standby instead of loading the
    // primary.
    String owner = owner();
    String token = write(owner);
    Read waited = read(token, owner);
    assertTrue(waited.found());
    assertTrue(waited.fromStandby(), "the standby catches up within lsn_wait_ms");

    // Replay paused: it waits the full lsn_wait_ms, then reads from the primary.
    db.close();
    db = null;
    start(cluster, "lsn", Map.of("hibernate.balanced.lsn_wait_ms", "400"));
    cluster.pauseReplay(cluster.standby(1));
    try {
      String paused = owner();
      String pausedToken = write(paused);
      long started = System.nanoTime();
      Read fellBack = read(pausedToken, paused);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(fellBack.found());
      assertFalse(fellBack.fromStandby());
      assertTrue(tookMs >= 400, "waited " + tookMs + " ms before falling back");
    } finally {
      cluster.resumeReplay(cluster.standby(1));
    }
  }

  @Test
  void badTokensAreRefusedSafelyAndGrantNothing(PgCluster cluster) {
    start(cluster, "lsn", Map.of());
    cluster.pauseReplay(cluster.standby(1));
    try {
      String owner = owner();
      String good = write(owner);
      String[] parts = good.split("\\.");
      byte[] payload = Base64.getUrlDecoder().decode(parts[0]);
      String set = TokenCodec.databaseSetId(cluster.primary().jdbcUrl());
      long hour = System.currentTimeMillis() + 3_600_000;
      String otherSecret =
          new TokenCodec(set, "another-secret-that-is-32-chars-long!")
              .encode(
                  new ConsistencyToken(set, hour, ReplicationPosition.wal(Long.MAX_VALUE), hour));
      String expired =
          new TokenCodec(set, PgBalanced.SECRET)
              .encode(
                  new ConsistencyToken(
                      set,
                      hour,
                      ReplicationPosition.wal(Long.MAX_VALUE),
                      System.currentTimeMillis() - 1));
      String foreign =
          new TokenCodec("another-database-set", PgBalanced.SECRET)
              .encode(
                  new ConsistencyToken(
                      "another-database-set", hour, ReplicationPosition.wal(1), hour));
      List<String> bad =
          List.of(
              "",
              "garbage",
              "no-dot-at-all",
              "a.b.c",
              ".",
              parts[0] + ".",
              "." + parts[1],
              parts[0] + "." + parts[1].substring(1),
              flip(parts[0]) + "." + parts[1],
              parts[0] + "." + flip(parts[1]),
              Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes())
                  + "."
                  + parts[1],
              Base64.getUrlEncoder()
                      .withoutPadding()
                      .encodeToString(new String(payload).replace("\"e\":", "\"e\":9").getBytes())
                  + "."
                  + parts[1],
              "%%%%." + parts[1],
              "x".repeat(10_000),
              good + good,
              otherSecret,
              expired,
              foreign);
      for (String token : bad) {
        Read read = read(token, owner);
        assertTrue(read.fromStandby(), "a bad token must grant nothing: " + abbreviate(token));
        assertFalse(read.found(), "paused standby is stale: " + abbreviate(token));
      }
      Read valid = read(good, owner);
      assertTrue(valid.found());
      assertFalse(valid.fromStandby());
    } finally {
      cluster.resumeReplay(cluster.standby(1));
    }
  }

  @Test
  void aBackgroundJobSeesTheWritesOfTheRequestThatEnqueuedIt(PgCluster cluster) throws Exception {
    start(cluster, "lsn", Map.of());
    cluster.pauseReplay(cluster.standby(1));
    ExecutorService jobs = Executors.newSingleThreadExecutor();
    try {
      String owner = owner();
      var job =
          PinningContext.call(
              () -> {
                db.inTransaction(em -> em.persist(new Account(owner, 1)));
                return jobs.submit(
                    PinningContext.task(
                        () -> {
                          try (EntityManager em = db.emf.createEntityManager()) {
                            long found =
                                em.createQuery(
                                        "select count(a) from Account a where a.owner = :o",
                                        Long.class)
                                    .setParameter("o", owner)
                                    .getSingleResult();
                            if (found != 1) {
                              throw new AssertionError("the job did not see the request's write");
                            }
                          }
                        }));
              });
      job.get(30, TimeUnit.SECONDS);
      assertEquals(
          null, jobs.submit(PinningContext::current).get(), "the pool thread keeps no context");
    } finally {
      jobs.shutdownNow();
      cluster.resumeReplay(cluster.standby(1));
    }
  }

  private static String flip(String text) {
    char c = text.charAt(text.length() / 2);
    char other = c == 'A' ? 'B' : 'A';
    return text.substring(0, text.length() / 2) + other + text.substring(text.length() / 2 + 1);
  }

  private static String abbreviate(String token) {
    return token.length() > 40 ? token.substring(0, 40) + "..." : token;
  }
}
