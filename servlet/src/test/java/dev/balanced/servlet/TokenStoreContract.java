package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TokenStore} must do: put, get, replace, remove and expire tokens per user, and
 * take every kind of bad input without throwing, storing nothing and granting nothing.
 */
abstract class TokenStoreContract {
  /** A token of core's shape (base64url "." base64url); the store never looks inside. */
  static final String TOKEN =
      "eyJ2IjoxLCJzIjoiYWJjIiwidSI6MSwibCI6MCwiZSI6Mn0.c2lnbmF0dXJlLW9mLXRoaXMtdG9rZW4tMDEyMzQ1Njc4OQ";

  static final String OTHER_TOKEN = "eyJ2IjoxfQ.b3RoZXItc2lnbmF0dXJl";
  static final Duration TTL = Duration.ofSeconds(30);

  /** The store under test, empty. */
  abstract TokenStore store();

  /** Lets {@code time} pass for the store's expiry. */
  abstract void advance(Duration time) throws Exception;

  /** A time to live short enough for {@link #advance} to outlast quickly. */
  Duration shortTtl() {
    return Duration.ofMillis(300);
  }

  @Test
  void putGetReplaceRemove() {
    TokenStore store = store();
    assertNull(store.get("alice"));
    store.put("alice", TOKEN, TTL);
    assertEquals(TOKEN, store.get("alice"));
    assertNull(store.get("bob"), "keyed by user");
    store.put("alice", OTHER_TOKEN, TTL);
    assertEquals(OTHER_TOKEN, store.get("alice"), "the newest token replaces the older one");
    store.put("bob", TOKEN, TTL);
    store.remove("alice");
    assertNull(store.get("alice"));
    assertEquals(TOKEN, store.get("bob"));
    store.remove("nobody"); // removing what is not there is fine
  }

  @Test
  void userIdsAreTakenAsTheyAre() {
    TokenStore store = store();
    for (String user :
        List.of("Alice", "alice ", "  alice", "user:42", "a*", "élodie", "用户", "x".repeat(256))) {
      store.put(user, TOKEN, TTL);
    }
    assertNull(store.get("alice"), "no normalization: 'Alice' and 'alice ' are other users");
    assertEquals(TOKEN, store.get("user:42"));
    assertEquals(TOKEN, store.get("a*"), "no pattern matching");
    assertNull(store.get("a"));
    assertEquals(TOKEN, store.get("用户"));
    assertEquals(TOKEN, store.get("x".repeat(256)));
  }

  @Test
  void tokensExpire() throws Exception {
    TokenStore store = store();
    store.put("alice", TOKEN, shortTtl());
    store.put("bob", TOKEN, TTL);
    assertEquals(TOKEN, store.get("alice"));
    advance(shortTtl().plusMillis(200));
    assertNull(store.get("alice"), "expired");
    assertEquals(TOKEN, store.get("bob"), "not yet");
  }

  /** Bad input of every kind: no exception, nothing stored, nothing granted. */
  @Test
  void badInputNeverThrowsStoresNothingAndGrantsNothing() {
    TokenStore store = store();
    store.put("good", TOKEN, TTL);
    List<String> badUsers =
        new ArrayList<>(
            List.of(
                "", // 1 empty
                " ", // 2 blank
                "\t\n", // 3 whitespace only
                "x".repeat(257), // 4 too long
                "x".repeat(1_000_000), // 5 far too long
                "alice\n", // 6 a newline (log and protocol injection)
                "ali\u0000ce", // 7 NUL
                "alice\r\nDEL x", // 8 CR LF
                "\uD800alice", // 9 a lone surrogate
                "alice\u007f")); // 10 DEL
    badUsers.add(null); // 11 null
    for (String user : badUsers) {
      String label = user == null ? "null" : "user of length " + user.length();
      assertDoesNotThrow(() -> store.put(user, TOKEN, TTL), label);
      assertDoesNotThrow(() -> assertNull(store.get(user)), label);
      assertDoesNotThrow(() -> store.remove(user), label);
    }
    List<String> badTokens =
        new ArrayList<>(
            List.of(
                "", // 12 empty
                "   ", // 13 blank
                "x".repeat(513), // 14 too long
                "x".repeat(1_000_000), // 15 far too long
                "a b", // 16 space
                "tok;en", // 17 a cookie separator
                "tok\r\nSet-Cookie: admin=1", // 18 header injection
                "tok\u0000en", // 19 NUL
                "tökén", // 20 not base64url
                "{\"json\":1}")); // 21 not a token at all
    badTokens.add(null); // 22 null
    for (String token : badTokens) {
      String label = token == null ? "null" : "token of length " + token.length();
      assertDoesNotThrow(() -> store.put("alice", token, TTL), label);
      assertNull(store.get("alice"), label + " must not be stored");
    }
    List<Duration> badTtls =
        new ArrayList<>(
            List.of(
                Duration.ZERO, // 23
                Duration.ofMillis(-1), // 24
                Duration.ofSeconds(-30), // 25
                Duration.ofNanos(1), // 26 rounds to 0 ms
                Duration.ofSeconds(Long.MAX_VALUE))); // 27 too large for milliseconds
    badTtls.add(null); // 28
    for (Duration ttl : badTtls) {
      assertDoesNotThrow(() -> store.put("alice", TOKEN, ttl), String.valueOf(ttl));
      assertNull(store.get("alice"), ttl + " must not be stored");
    }
    assertEquals(TOKEN, store.get("good"), "bad input left the good entry alone");
    Consumer<String> nothing = user -> assertNull(store.get(user));
    nothing.accept("alice");
  }

  @Test
  void badInputDoesNotSpoilAnExistingToken() {
    TokenStore store = store();
    store.put("alice", TOKEN, TTL);
    store.put("alice", null, TTL);
    store.put("alice", "", TTL);
    store.put("alice", "bad token", TTL);
    store.put("alice", OTHER_TOKEN, Duration.ZERO);
    store.put("alice", OTHER_TOKEN, null);
    assertEquals(TOKEN, store.get("alice"));
  }
}
