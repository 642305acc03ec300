package dev.balanced.servlet;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenStore} in Redis, shared by every instance of the application, through Lettuce
 * ({@code io.lettuce:lettuce-core}, which the application adds to its dependencies). Each user's
 * token is one string key, {@code <prefix><user id>} (prefix {@value #DEFAULT_KEY_PREFIX} by
 * default), written with {@code SET ... PX <ttl>} so that Redis expires it.
 *
 * <p>Redis being down, slow or unreachable never fails a request: each call waits at most the
 * timeout (default 500 ms), then {@link #get} returns {@code null} and writes are dropped. The
 * first failure after a success is logged at WARN, the following ones at DEBUG, and recovery at
 * INFO; tokens are never logged. A store made from a URI connects lazily when Redis is not up yet
 * (at most one attempt per second), and reconnects by itself after Redis restarts.
 */
public final class RedisTokenStore implements TokenStore, AutoCloseable {
  /** The default prefix of the keys. */
  public static final String DEFAULT_KEY_PREFIX = "balanced:token:";

  /** How long a call waits for Redis by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

  private static final Logger LOG = LoggerFactory.getLogger(RedisTokenStore.class);
  private static final long RECONNECT_PAUSE_MILLIS = 1000;

  private final String keyPrefix;
  private final long timeoutMillis;
  private final String where;

  /** Null for a store made from a caller's connection, which the caller owns and closes. */
  private final RedisClient client;

  private final ClientResources resources;
  private final RedisURI uri;

  /** Guarded by {@code this}. */
  private StatefulRedisConnection<String, String> connection;

  private long nextConnectAttemptMillis;
  private boolean closed;

  /** Guarded by {@code this}: whether the last call failed, so that only a change is logged. */
  private boolean failing;

  /**
   * A store on the Redis at {@code redisUri} ({@code redis://[:password@]host[:port][/database]},
   * {@code rediss://...} for TLS) with the default prefix and timeout. It owns its connection:
   * {@link #close()} closes it.
   *
   * @throws IllegalArgumentException when {@code redisUri} is not a Redis URI (the message leaves
   *     any password out)
   */
  public RedisTokenStore(String redisUri) {
    this(redisUri, DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT);
  }

  /** As {@link #RedisTokenStore(String)}, with its own key prefix and timeout. */
  public RedisTokenStore(String redisUri, String keyPrefix, Duration timeout) {
    this.keyPrefix = checkPrefix(keyPrefix);
    this.timeoutMillis = checkTimeout(timeout);
    this.uri = parse(redisUri);
    this.uri.setTimeout(Duration.ofMillis(timeoutMillis));
    this.where = describe(uri);
    this.resources =
        DefaultClientResources.builder()
            // Come back within about a second of Redis restarting, not after Lettuce's 30 s.
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // Fail at once while disconnected instead of queueing until the timeout.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder().connectTimeout(Duration.ofMillis(timeoutMillis)).build())
            .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(timeoutMillis)))
            .build());
    connect();
  }

  /**
   * A store on a connection the application made and owns (and closes: {@link #close()} leaves it
   * open), with the default prefix and timeout.
   */
  public RedisTokenStore(StatefulRedisConnection<String, String> connection) {
    this(connection, DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT);
  }

  /** As {@link #RedisTokenStore(StatefulRedisConnection)}, with its own key prefix and timeout. */
  public RedisTokenStore(
      StatefulRedisConnection<String, String> connection, String keyPrefix, Duration timeout) {
    if (connection == null) {
      throw new IllegalArgumentException("connection is null");
    }
    this.keyPrefix = checkPrefix(keyPrefix);
    this.timeoutMillis = checkTimeout(timeout);
    this.connection = connection;
    this.client = null;
    this.resources = null;
    this.uri = null;
    this.where = "Redis (application's connection)";
  }

  @Override
  public String get(String userId) {
    String problem = Tokens.problemWithUserId(userId);
    if (problem != null) {
      LOG.debug("token store get ignored: {}", problem);
      return null;
    }
    String token = call("GET", c -> c.async().get(keyPrefix + userId));
    if (token != null && !Tokens.wellFormed(token)) {
      LOG.debug("token store get: the stored value is not a token; ignored");
      return null;
    }
    return token;
  }

  @Override
  public void put(String userId, String token, Duration ttl) {
    String problem = Tokens.problemWithEntry(userId, token, ttl);
    if (problem != null) {
      LOG.debug("token store put ignored: {}", problem);
      return;
    }
    long ttlMillis = Tokens.ttlMillis(ttl);
    call("SET", c -> c.async().set(keyPrefix + userId, token, SetArgs.Builder.px(ttlMillis)));
  }

  @Override
  public void remove(String userId) {
    String problem = Tokens.problemWithUserId(userId);
    if (problem != null) {
      LOG.debug("token store remove ignored: {}", problem);
      return;
    }
    call("DEL", c -> c.async().del(keyPrefix + userId));
  }

  /** Closes the connection and client this store made; a caller's connection stays open. */
  @Override
  public void close() {
    StatefulRedisConnection<String, String> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = client == null ? null : connection;
      connection = null;
    }
    if (client == null) {
      return;
    }
    try {
      if (toClose != null) {
        toClose.close();
      }
    } catch (RuntimeException e) {
      LOG.debug("closing the Redis connection failed", e);
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "RedisTokenStore[" + where + ", prefix " + keyPrefix + "]";
  }

  /**
   * Runs one command and waits for it at most the timeout; {@code null} when it failed for any
   * reason.
   */
  private <T> T call(
      String command,
      Function<StatefulRedisConnection<String, String>, ? extends CompletionStage<T>> send) {
    StatefulRedisConnection<String, String> c = connection();
    if (c == null) {
      return null;
    }
    Future<T> future = null;
    try {
      future = send.apply(c).toCompletableFuture();
      T result = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
      succeeded();
      return result;
    } catch (TimeoutException e) {
      future.cancel(true);
      failed(command + " timed out after " + timeoutMillis + " ms", null);
    } catch (ExecutionException e) {
      failed(command + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (future != null) {
        future.cancel(true);
      }
      LOG.debug("token store: interrupted while waiting for Redis {}", command);
    } catch (RuntimeException e) {
      failed(command + " failed", e);
    }
    return null;
  }

  /** The connection, connecting first when this store owns it and the last attempt is old. */
  private StatefulRedisConnection<String, String> connection() {
    synchronized (this) {
      if (closed) {
        return null;
      }
      if (connection != null || client == null) {
        return connection;
      }
      if (System.currentTimeMillis() < nextConnectAttemptMillis) {
        return null;
      }
    }
    return connect();
  }

  private StatefulRedisConnection<String, String> connect() {
    synchronized (this) {
      if (closed) {
        return null;
      }
      if (connection != null) {
        return connection;
      }
      nextConnectAttemptMillis = System.currentTimeMillis() + RECONNECT_PAUSE_MILLIS;
      try {
        connection = client.connect(uri);
        succeeded();
        return connection;
      } catch (RuntimeException e) {
        failed("cannot connect", e);
        return null;
      }
    }
  }

  private synchronized void succeeded() {
    if (failing) {
      failing = false;
      LOG.info("token store: {} answers again", where);
    }
  }

  private synchronized void failed(String what, Throwable cause) {
    String reason =
        cause == null ? "" : ": " + cause.getClass().getSimpleName() + " " + message(cause);
    if (!failing) {
      failing = true;
      LOG.warn(
          "token store: {} {}{}; tokens of users without a cookie are not kept until it answers"
              + " again (further failures are logged at DEBUG)",
          where,
          what,
          reason);
    } else {
      LOG.debug("token store: {} {}{}", where, what, reason);
    }
  }

  /** A Redis error message never holds a token (values are not echoed), but keep it short. */
  private static String message(Throwable e) {
    String m = String.valueOf(e.getMessage());
    return m.length() > 200 ? m.substring(0, 200) + "..." : m;
  }

  private static RedisURI parse(String redisUri) {
    if (redisUri == null || redisUri.isBlank()) {
      throw new IllegalArgumentException("No Redis URI given (expected redis://host:port)");
    }
    try {
      return RedisURI.create(redisUri.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Not a Redis URI: " + RedisUris.mask(redisUri) + " (expected redis://host:port)");
    }
  }

  private static String describe(RedisURI uri) {
    String host = uri.getHost();
    if (host == null) {
      host = uri.getSocket() != null ? uri.getSocket() : "sentinel";
    }
    return "Redis at " + host + ":" + uri.getPort() + "/" + uri.getDatabase();
  }

  private static String checkPrefix(String keyPrefix) {
    if (keyPrefix == null) {
      throw new IllegalArgumentException("keyPrefix is null (use \"\" for none)");
    }
    if (keyPrefix.length() > 200 || keyPrefix.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "keyPrefix must be at most 200 characters without control characters");
    }
    return keyPrefix;
  }

  private static long checkTimeout(Duration timeout) {
    long millis = Tokens.ttlMillis(timeout);
    if (millis < 1) {
      throw new IllegalArgumentException("timeout must be at least 1 ms, not " + timeout);
    }
    return millis;
  }
}
