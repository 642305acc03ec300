package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory store: the contract, plus its bound and its concurrency. */
class InMemoryTokenStoreTest extends TokenStoreContract {
  private final AtomicLong now = new AtomicLong(1_000_000);

  @Override
  TokenStore store() {
    return new InMemoryTokenStore(1000, now::get);
  }

  @Override
  void advance(Duration time) {
    now.addAndGet(time.toMillis());
  }

  @Test
  void keepsAtMostMaxEntriesDroppingTheOldestFirst() {
    InMemoryTokenStore store = new InMemoryTokenStore(3, now::get);
    store.put("a", TOKEN, TTL);
    store.put("b", TOKEN, TTL);
    store.put("c", TOKEN, TTL);
    store.put("a", OTHER_TOKEN, TTL); // refreshed: now the newest
    store.put("d", TOKEN, TTL);
    assertEquals(3, store.size());
    assertNull(store.get("b"), "the one stored longest ago went");
    assertEquals(OTHER_TOKEN, store.get("a"));
    assertEquals(TOKEN, store.get("c"));
    assertEquals(TOKEN, store.get("d"));
    for (int i = 0; i < 10_000; i++) {
      store.put("user" + i, TOKEN, TTL);
    }
    assertEquals(3, store.size(), "bounded whatever comes");
  }

  @Test
  void expiredEntriesAreDroppedAsNewOnesArrive() {
    InMemoryTokenStore store = new InMemoryTokenStore(1000, now::get);
    for (int i = 0; i < 100; i++) {
      store.put("user" + i, TOKEN, Duration.ofSeconds(1));
    }
    advance(Duration.ofSeconds(2));
    store.put("late", TOKEN, TTL);
    assertEquals(1, store.size());
  }

  @Test
  void aBoundBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new InMemoryTokenStore(0));
  }

  @Test
  void isSafeUnderConcurrentUse() throws Exception {
    InMemoryTokenStore store = new InMemoryTokenStore(50);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 5000; i++) {
                    String user = "u" + ((thread * 7 + i) % 200);
                    store.put(user, TOKEN, TTL);
                    String got = store.get(user);
                    if (got != null && !got.equals(TOKEN)) {
                      throw new AssertionError(got);
                    }
                    if (i % 3 == 0) {
                      store.remove(user);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(store.size() <= 50);
  }
}
