package dev.balanced.servlet;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenStore} in this JVM's memory: for a single instance, or for tests. Entries expire
 * after their time to live; at most {@code maxEntries} are kept, and when a new one would exceed
 * that, the one stored longest ago goes first (with one time to live for all, the closest to
 * expiring). Several instances behind a load balancer need a shared store such as {@link
 * RedisTokenStore}.
 */
public final class InMemoryTokenStore implements TokenStore {
  /** The default bound on the number of users with a stored token. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryTokenStore.class);

  private record Entry(String token, long expiresAtMillis) {}

  private final int maxEntries;
  private final LongSupplier clock;

  /** Insertion order: the first entry is the one stored longest ago. Guarded by {@code this}. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  /** Keeps at most {@value #DEFAULT_MAX_ENTRIES} tokens. */
  public InMemoryTokenStore() {
    this(DEFAULT_MAX_ENTRIES);
  }

  /**
   * Keeps at most {@code maxEntries} tokens.
   *
   * @throws IllegalArgumentException when {@code maxEntries} is not positive
   */
  public InMemoryTokenStore(int maxEntries) {
    this(maxEntries, System::currentTimeMillis);
  }

  /** For tests: a store that reads the time from {@code clock} (milliseconds). */
  InMemoryTokenStore(int maxEntries, LongSupplier clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, not " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  @Override
  public String get(String userId) {
    String problem = Tokens.problemWithUserId(userId);
    if (problem != null) {
      LOG.debug("token store get ignored: {}", problem);
      return null;
    }
    long now = clock.getAsLong();
    synchronized (this) {
      Entry entry = entries.get(userId);
      if (entry == null) {
        return null;
      }
      if (entry.expiresAtMillis() <= now) {
        entries.remove(userId);
        return null;
      }
      return entry.token();
    }
  }

  @Override
  public void put(String userId, String token, Duration ttl) {
    String problem = Tokens.problemWithEntry(userId, token, ttl);
    if (problem != null) {
      LOG.debug("token store put ignored: {}", problem);
      return;
    }
    long now = clock.getAsLong();
    long expiresAt = now + Math.min(Tokens.ttlMillis(ttl), Long.MAX_VALUE - now);
    synchronized (this) {
      entries.remove(userId); // re-inserted last: it is now the newest
      entries.put(userId, new Entry(token, expiresAt));
      evict(now);
    }
  }

  @Override
  public void remove(String userId) {
    String problem = Tokens.problemWithUserId(userId);
    if (problem != null) {
      LOG.debug("token store remove ignored: {}", problem);
      return;
    }
    synchronized (this) {
      entries.remove(userId);
    }
  }

  /** The number of entries held, expired ones not yet dropped included. */
  public synchronized int size() {
    return entries.size();
  }

  /** Drops expired entries from the oldest end, then the oldest ones beyond the bound. */
  private void evict(long now) {
    Iterator<Map.Entry<String, Entry>> oldestFirst = entries.entrySet().iterator();
    while (oldestFirst.hasNext()) {
      Map.Entry<String, Entry> oldest = oldestFirst.next();
      if (entries.size() > maxEntries || oldest.getValue().expiresAtMillis() <= now) {
        oldestFirst.remove();
      } else {
        break;
      }
    }
  }
}
