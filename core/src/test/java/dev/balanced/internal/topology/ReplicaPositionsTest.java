package dev.balanced.internal.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.internal.position.Lsn;
import dev.balanced.internal.position.ReplicationPosition;
import dev.balanced.internal.position.WalPositions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lag monitor and read-your-writes ask a replica for its replay position through one cache: a
 * replica asked by one is not asked again by the other within its interval. The replica is an H2
 * database whose {@code pg_last_wal_replay_lsn()} counts its calls.
 */
public class ReplicaPositionsTest {
  private static final AtomicInteger QUESTIONS = new AtomicInteger();
  private static volatile String position = "0/100";

  /** H2's stand-in for PostgreSQL's function. */
  public static String replayLsn() {
    QUESTIONS.incrementAndGet();
    return position;
  }

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long LSN_REFRESH = TimeUnit.MILLISECONDS.toNanos(10);

  private final AtomicLong clock = new AtomicLong(1_000);
  private HikariDataSource pool;
  private Node replica;
  private ReplicaPositions positions;
  private Connection keepAlive;

  @BeforeEach
  void start() throws Exception {
    String url = "jdbc:h2:mem:positions-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    keepAlive = DriverManager.getConnection(url, "sa", "");
    try (Statement statement = keepAlive.createStatement()) {
      statement.execute(
          "create alias pg_last_wal_replay_lsn for \"" + getClass().getName() + ".replayLsn\"");
      // Empty, as PostgreSQL's view is for a user who may not see the standby's WAL receiver.
      statement.execute("create table pg_stat_wal_receiver(received_tli int)");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("sa");
    config.setMinimumIdle(0);
    config.setMaximumPoolSize(2);
    pool = new HikariDataSource(config);
    replica = new Node("r1", 1, false, 1, pool, 10, clock::get, NodeHealth.Listener.NONE, null);
    positions = new ReplicaPositions(2, WalPositions.SOURCE, clock::get, new Timelines());
    QUESTIONS.set(0);
    position = "0/100";
  }

  @AfterEach
  void stop() throws Exception {
    pool.close();
    keepAlive.close();
  }

  @Test
  void theMonitorUsesAnAnswerReadYourWritesJustGot() throws Exception {
    assertEquals(
        ReplicationPosition.wal(Lsn.parse("0/100")), positions.refresh(replica, LSN_REFRESH));
    assertEquals(1, QUESTIONS.get());

    clock.addAndGet(SECOND / 4);
    assertEquals(
        ReplicationPosition.wal(Lsn.parse("0/100")), positions.latest(replica, SECOND / 2, 1000));
    assertEquals(1, QUESTIONS.get(), "answered a quarter interval ago: not asked again");

    clock.addAndGet(SECOND / 4);
    position = "0/200";
    assertEquals(
        ReplicationPosition.wal(Lsn.parse("0/200")), positions.latest(replica, SECOND / 2, 1000));
    assertEquals(2, QUESTIONS.get(), "older than half an interval: asked");
  }

  @Test
  void readYourWritesUsesAnAnswerTheMonitorJustGot() throws Exception {
    positions.latest(replica, SECOND / 2, 1000);
    assertEquals(1, QUESTIONS.get());

    clock.addAndGet(LSN_REFRESH - 1);
    assertEquals(
        ReplicationPosition.wal(Lsn.parse("0/100")), positions.refresh(replica, LSN_REFRESH));
    assertEquals(1, QUESTIONS.get(), "asked within lsn_refresh_ms: the cached answer");

    clock.addAndGet(1);
    positions.refresh(replica, LSN_REFRESH);
    assertEquals(2, QUESTIONS.get());
    assertEquals(2, positions.asks(replica), "what health and metrics show: the round trips");
    assertEquals(1, positions.cacheAnswers(replica), "and the one the cache saved");
  }

  @Test
  void readersKeepTheFurthestPositionAndTheMonitorSeesAPromotedReplica() throws Exception {
    positions.refresh(replica, 0);
    position = null; // pg_last_wal_replay_lsn() is null on a server that is not a standby
    clock.addAndGet(SECOND);

    assertEquals(
        ReplicationPosition.NONE,
        positions.latest(replica, SECOND / 2, 1000),
        "no longer a standby");
    assertEquals(
        ReplicationPosition.wal(Lsn.parse("0/100")),
        positions.cached(replica),
        "positions only grow");
  }
}
