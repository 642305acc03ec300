package dev.balanced.internal.topology;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.balanced.PrimaryUnavailableException;
import dev.balanced.spi.PrimaryDownReads;
import dev.balanced.spi.Secrets;
import dev.balanced.spi.SelectorKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database node and its own connection pool. A node that cannot be connected to is marked down
 * ({@link NodeHealth}), its idle connections are evicted, and it is left out until its pool has
 * reconnected in the background: a replica out of the selection, the primary failing fast. A pool
 * that does not reconnect on its own ({@code minimumIdle=0}) is tried again by one caller every
 * {@code replica_retry_seconds}. A replica the lag monitor finds further behind than {@code
 * max_replica_lag_ms} is left out too. This class reads the pool; {@link NodeHealth} holds the
 * state and its transitions.
 */
public final class Node {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.topology");

  /** How long a timeout without a cause is watched before the node is taken for down. */
  private static final long CONFIRM_MILLIS = 10;

  private final String name;
  private final int index;
  private final boolean primary;
  private final int weight;
  private final HikariDataSource pool;
  private final long retryNanos;
  private final NodeHealth health;

  /** For the primary's outage log: what happens to reads that need it meanwhile. */
  private final String downReads;

  /**
   * What the node is as far as reads go. Configured replicas are standbys for good; with {@code
   * topology=discover} the role monitor keeps it current.
   */
  public enum Role {
    /** Serves reads. */
    STANDBY,
    /** Is the primary now: left out of the selection (its writes go through the primary). */
    PRIMARY,
    /** A primary on an older timeline than one seen: serves nothing. */
    FENCED
  }

  private volatile Role role = Role.STANDBY;

  /** Why the node was last found unreachable, credentials masked; {@code null} before. */
  private volatile String lastError;

  Node(
      String name,
      int index,
      boolean primary,
      int weight,
      HikariDataSource pool,
      int retrySeconds,
      LongSupplier nanoClock,
      NodeHealth.Listener listener,
      PrimaryDownReads downReads) {
    this.name = name;
    this.downReads =
        downReads == PrimaryDownReads.FAIL
            ? "fail too (primary_down_reads=fail)"
            : "go to replicas (primary_down_reads=replica)";
    this.index = index;
    this.primary = primary;
    this.weight = weight;
    this.pool = pool;
    this.retryNanos = TimeUnit.SECONDS.toNanos(retrySeconds);
    this.health = new NodeHealth(name, nanoClock, retryNanos, listener);
  }

  /** Whether this node is up, down or behind, and since when. */
  public NodeHealth health() {
    return health;
  }

  public String name() {
    return name;
  }

  /** Position in {@link Topology#nodes()}: 0 is the primary. */
  public int index() {
    return index;
  }

  public boolean isPrimary() {
    return primary;
  }

  public int weight() {
    return weight;
  }

  /** Whether {@code selector} may give this node reads: under weighted selection weight 0 never. */
  public boolean servesReadsUnder(SelectorKind selector) {
    return selector != SelectorKind.WEIGHTED || weight > 0;
  }

  /** Why the node was last found unreachable, credentials masked; {@code null} if it never was. */
  public String lastError() {
    return lastError;
  }

  public HikariDataSource pool() {
    return pool;
  }

  /**
   * A pooled connection. A node whose pool cannot connect (not merely a pool whose connections are
   * all in use) is marked unreachable; the exception is thrown on. The primary, once marked, is not
   * given to a caller again until its pool has reconnected (with {@code minimumIdle=0}, a thread of
   * Balanced's tries it every {@code replica_retry_seconds}): meanwhile this fails at once with
   * {@link PrimaryUnavailableException} instead of waiting out the pool's {@code connectionTimeout}
   * (30 s by default) on every call.
   */
  public Connection connect() throws SQLException {
    if (primary && health.isDown() && !reconnectedInBackground()) {
      if (!poolKeepsReconnecting() && health.claimRetry()) {
        retryInBackground();
      }
      throw primaryUnavailable(null);
    }
    Connection connection;
    try {
      connection = pool.getConnection();
    } catch (SQLException e) {
      // A closed pool (shutdown) or an interrupted caller says nothing about the node.
      if (!pool.isClosed() && !Thread.currentThread().isInterrupted() && cannotConnect(e)) {
        markUnreachable(e);
        if (primary) {
          throw primaryUnavailable(e);
        }
      }
      throw e;
    }
    if (primary) {
      health.reachedAt(System.currentTimeMillis());
    }
    if (health.markUp()) {
      LOG.atInfo()
          .addKeyValue("node", name)
          .addKeyValue("state", "up")
          .log("{} {} is reachable again", kind(), name);
    }
    return connection;
  }

  /**
   * The primary moved to another server (discovered): connections to the former one are retired as
   * they come back to the pool, and while the primary counts as down, the new one is tried now
   * rather than at the next retry.
   */
  void primaryMoved() {
    HikariPoolMXBean state = pool.getHikariPoolMXBean();
    if (state != null) {
      state.softEvictConnections();
    }
    if (health.isDown() && !poolKeepsReconnecting()) {
      retryInBackground();
    }
  }

  /**
   * Tries a primary whose pool does not reconnect on its own, on a thread of its own: a unit of
   * work must not wait out connectionTimeout for a primary known to be down, so none makes the
   * attempt. A connection made stays idle in the pool, which is how the next caller finds the
   * primary back.
   */
  private void retryInBackground() {
    Thread retry =
        new Thread(
            () -> {
              try (Connection ignored = pool.getConnection()) {
                // Back: returned to the pool idle.
              } catch (SQLException e) {
                if (!pool.isClosed() && cannotConnect(e)) {
                  markUnreachable(e);
                }
              }
            },
            "balanced-primary-retry");
    retry.setDaemon(true);
    retry.start();
  }

  /** "primary" or "replica", for messages. */
  private String kind() {
    return primary ? "primary" : "replica";
  }

  /**
   * Names the primary, since when it cannot be reached and when it last could, and why; the URL
   * with credentials masked.
   */
  private PrimaryUnavailableException primaryUnavailable(SQLException cause) {
    String described = name + " (" + Secrets.maskUrl(pool.getJdbcUrl()) + ")";
    Instant since = Instant.ofEpochMilli(health.downSinceWallMillis());
    long lastUp = health.lastReachedMillis();
    Instant lastReachable = lastUp == 0 ? null : Instant.ofEpochMilli(lastUp);
    Throwable why = cause == null ? null : cause.getCause() != null ? cause.getCause() : cause;
    String message =
        "The primary "
            + described
            + " cannot be reached: unreachable since "
            + since
            + (lastReachable == null ? ", never reached" : ", last reached at " + lastReachable)
            + (lastError != null ? " (" + lastError + ")" : "")
            + "; writes fail until "
            + (poolKeepsReconnecting()
                ? "its pool has reconnected"
                : "a unit of work tries it again (every "
                    + TimeUnit.NANOSECONDS.toSeconds(retryNanos)
                    + " s, minimumIdle=0)");
    return new PrimaryUnavailableException(message, described, since, lastReachable, why);
  }

  /**
   * HikariCP times out both when its database cannot be reached and when all its connections are in
   * use. A connection failure as the cause means the first. Without one, a database that stopped
   * answering (a network partition, a frozen host) is told from a busy pool by what the pool holds:
   * the driver's login timeout is longer than the pool's, and a connection check that times out may
   * report no error.
   */
  private boolean cannotConnect(SQLException e) {
    if (!(e instanceof SQLTransientConnectionException) || e.getCause() != null) {
      return true;
    }
    if (!looksDown()) {
      return false;
    }
    // Once more a moment later: a connection being handed from one caller to the next shows as
    // idle for an instant, and a busy pool is not to be emptied for that.
    try {
      Thread.sleep(CONFIRM_MILLIS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
    return looksDown();
  }

  /**
   * After a timeout: the pool holds no connection at all (it could open none), or it has room for
   * more and idle ones that the caller did not get (those it tried failed their check, each taking
   * validationTimeout). A busy pool has all its connections in use, or is opening more.
   */
  private boolean looksDown() {
    HikariPoolMXBean state = pool.getHikariPoolMXBean();
    if (state == null) {
      return false;
    }
    int total = state.getTotalConnections();
    return total == 0 || (total < pool.getMaximumPoolSize() && state.getIdleConnections() > 0);
  }

  /**
   * Takes {@code connection} out of its pool for good after {@code failure} left it in an unknown
   * state: it is closed at once if still in use, and never handed out again. A failure that says
   * the node cannot be reached marks a replica unreachable, as a failed connect does; any other is
   * logged. {@code during} names what failed, for the log ("ending a read-only transaction").
   */
  public void discard(Connection connection, SQLException failure, String during) {
    pool.evictConnection(connection);
    if (ConnectionFailures.meansUnreachable(failure) && !pool.isClosed()) {
      markUnreachable(failure, during);
    } else {
      LOG.atWarn()
          .addKeyValue("node", name)
          .addKeyValue("sqlState", failure.getSQLState())
          .log(
              "{} {}: {} failed ({}, SQLState {}); its connection was discarded",
              primary ? "primary" : "replica",
              name,
              during,
              Secrets.maskUrl(String.valueOf(failure.getMessage())),
              failure.getSQLState());
    }
  }

  /**
   * Closes a healthy connection instead of returning it to its pool, because its session holds
   * state the pool does not reset (settings changed by SQL).
   */
  public void retire(Connection connection) {
    pool.evictConnection(connection);
  }

  private void markUnreachable(SQLException e) {
    markUnreachable(e, null);
  }

  private void markUnreachable(SQLException e, String during) {
    // An idle connection is the sign that the node is back (reconnectedInBackground), so none made
    // before the failure may stay: after a network partition, which resets nothing, they are as
    // dead as the one that failed, and the pool would hand them out one check timeout at a time.
    // Evicted before the node is marked, so that no caller sees it marked and "reconnected".
    HikariPoolMXBean state = pool.getHikariPoolMXBean();
    if (state != null) {
      state.softEvictConnections();
    }
    // HikariCP's timeout says only that it timed out; the driver's failure says why.
    Throwable why = e.getCause() != null ? e.getCause() : e;
    lastError = Secrets.maskUrl(String.valueOf(why.getMessage()));
    if (!health.markDown()) {
      return;
    }
    String reason =
        Secrets.maskUrl(String.valueOf(why.getMessage()))
            + (during == null ? "" : ", while " + during);
    String until =
        poolKeepsReconnecting()
            ? "its pool has reconnected"
            : "a unit of work tries it again in "
                + TimeUnit.NANOSECONDS.toSeconds(retryNanos)
                + " s (minimumIdle=0: its pool does not reconnect on its own)";
    if (primary) {
      // The one failure an operator must hear of: every write fails until it is over.
      LOG.atError()
          .addKeyValue("node", name)
          .addKeyValue("state", "down")
          .log(
              "primary {} cannot be reached ({}); writes fail at once with"
                  + " PrimaryUnavailableException, and reads that need the primary {}, until {}",
              name,
              reason,
              downReads,
              until);
    } else {
      LOG.atWarn()
          .addKeyValue("node", name)
          .addKeyValue("state", "down")
          .log(
              "replica {} cannot be reached ({}); its reads go to other nodes until {}",
              name,
              reason,
              until);
    }
  }

  /**
   * The lag monitor's measurement: a replica further behind than {@code maxLagMs} is left out of
   * the selection until a later one finds it within.
   */
  void lagMeasured(long lagMs, int maxLagMs) {
    if (!health.lagMeasured(lagMs, maxLagMs)) {
      return;
    }
    if (health.isBehind()) {
      LOG.atWarn()
          .addKeyValue("node", name)
          .addKeyValue("state", "behind")
          .addKeyValue("lagMs", lagMs)
          .log(
              "replica {} is {} ms behind the primary (max_replica_lag_ms={}); its reads go to"
                  + " other nodes until it has caught up",
              name,
              lagMs,
              maxLagMs);
    } else {
      LOG.atInfo()
          .addKeyValue("node", name)
          .addKeyValue("state", "up")
          .addKeyValue("lagMs", lagMs)
          .log("replica {} has caught up ({} ms behind)", name, lagMs);
    }
  }

  /** Whether this replica was further behind than {@code max_replica_lag_ms} when last measured. */
  public boolean isBehind() {
    return health.isBehind();
  }

  /** What this node is now: a standby, the primary (discovered), or fenced. */
  public Role role() {
    return role;
  }

  void role(Role role) {
    this.role = role;
  }

  /**
   * Whether this replica may be given reads: a standby, neither behind nor known to be unreachable;
   * no side effect.
   */
  public boolean isUsable() {
    return role == Role.STANDBY && !health.isBehind() && !isUnreachable();
  }

  /** Whether this node is marked unreachable and not known to be back; no side effect. */
  public boolean isUnreachable() {
    return health.isDown() && !reconnectedInBackground();
  }

  /**
   * Whether a session may be given this node to read from: it is not behind, and it is reachable,
   * its pool has reconnected, or, for a pool that does not reconnect on its own, its retry is due
   * and this caller takes it (the retry time moves on, so others wait for the outcome). Call it
   * only for a node the caller is about to use.
   */
  public boolean isAvailable() {
    if (health.isBehind() || role != Role.STANDBY) {
      return false;
    }
    if (!health.isDown() || reconnectedInBackground()) {
      return true;
    }
    if (poolKeepsReconnecting()) {
      // The pool's own attempts show when the replica is back; a caller trying it while it is
      // still down would only wait out connectionTimeout (30 s by default).
      return false;
    }
    return health.claimRetry();
  }

  /**
   * HikariCP keeps trying to refill a pool below its minimum idle size, backing off to one attempt
   * every 5 s, for as long as the pool runs. Read each time: minimumIdle can be changed at runtime.
   */
  private boolean poolKeepsReconnecting() {
    return pool.getMinimumIdle() > 0;
  }

  /**
   * Whether every connection the pool may hold is in use: taking one would wait up to its
   * connectionTimeout.
   */
  boolean allConnectionsInUse() {
    HikariPoolMXBean state = pool.getHikariPoolMXBean();
    return state != null
        && state.getIdleConnections() == 0
        && state.getTotalConnections() >= pool.getMaximumPoolSize();
  }

  /** An idle connection in the pool of an unreachable node means it has connected again. */
  private boolean reconnectedInBackground() {
    HikariPoolMXBean state = pool.getHikariPoolMXBean();
    return state != null && state.getIdleConnections() > 0;
  }

  @Override
  public String toString() {
    return name;
  }
}
