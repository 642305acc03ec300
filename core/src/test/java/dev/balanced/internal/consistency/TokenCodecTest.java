package dev.balanced.internal.consistency;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.internal.position.ReplicationPosition;
import dev.balanced.testing.CapturedLog;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TokenCodec}: a token survives the round trip; everything else (malformed, tampered with,
 * foreign, expired, oversized) decodes to {@code null} without throwing, and the reason is logged
 * without the token.
 */
class TokenCodecTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
  private static final String OTHER_SECRET = "fedcba9876543210fedcba9876543210-other-secret";
  private static final String PRIMARY_URL = "jdbc:postgresql://db-primary:5432/shop";
  private static final String OTHER_PRIMARY_URL = "jdbc:postgresql://db-primary:5432/billing";

  /** A fixed clock: tokens expire an hour after it. */
  private static final long NOW = 1_750_000_000_000L;

  private static final long EXPIRES = NOW + 3_600_000L;
  private static final long PINNED_UNTIL = NOW + 15_000L;
  private static final long LSN = 0x16_B374D848L;
  private static final ReplicationPosition POSITION = ReplicationPosition.wal(LSN);

  private static final String SET = TokenCodec.databaseSetId(PRIMARY_URL);
  private static final TokenCodec CODEC = new TokenCodec(SET, SECRET);
  private static final ConsistencyToken TOKEN =
      new ConsistencyToken(SET, PINNED_UNTIL, POSITION, EXPIRES);
  private static final String VALID = CODEC.encode(TOKEN);

  // ---- round trip ----------------------------------------------------------------------------

  @Test
  void aTokenSurvivesTheRoundTrip() {
    assertEquals(TOKEN, CODEC.decode(VALID, NOW));
  }

  @Test
  void aTokenIsDecodedByAnotherCodecOfTheSameSetAndSecret() {
    // Another instance of the application: same primary URL, same secret.
    TokenCodec elsewhere = new TokenCodec(TokenCodec.databaseSetId(PRIMARY_URL), SECRET);
    assertEquals(TOKEN, elsewhere.decode(VALID, NOW));
  }

  @Test
  void extremeValuesSurviveTheRoundTrip() {
    // A WAL position above 2^63 is a negative long; it must come back unchanged.
    ConsistencyToken extreme =
        new ConsistencyToken(SET, 0, ReplicationPosition.wal(0xFFFFFFFF_00000001L), Long.MAX_VALUE);
    assertEquals(extreme, CODEC.decode(CODEC.encode(extreme), NOW));
    ConsistencyToken nothingPinned =
        new ConsistencyToken(SET, 0, ReplicationPosition.NONE, EXPIRES);
    assertEquals(nothingPinned, CODEC.decode(CODEC.encode(nothingPinned), NOW));
  }

  @Test
  void theWireFormIsCompactAndUrlSafe() {
    assertTrue(VALID.length() < 200, VALID);
    assertTrue(VALID.length() <= TokenCodec.MAX_LENGTH, VALID);
    assertTrue(VALID.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), VALID);
    assertFalse(VALID.contains(SECRET));
  }

  @Test
  void aTokenIsValidUntilJustBeforeItExpires() {
    assertEquals(TOKEN, CODEC.decode(VALID, EXPIRES - 1));
    assertNull(CODEC.decode(VALID, EXPIRES), "expiresAt itself is past");
    assertNull(CODEC.decode(VALID, EXPIRES + 1));
  }

  @Test
  void theDatabaseSetIdIsStableAndIgnoresCredentials() {
    assertEquals(SET, TokenCodec.databaseSetId(PRIMARY_URL));
    assertNotEquals(SET, TokenCodec.databaseSetId(OTHER_PRIMARY_URL));
    assertEquals(
        TokenCodec.databaseSetId("jdbc:postgresql://db/shop?password=one"),
        TokenCodec.databaseSetId("jdbc:postgresql://db/shop?password=two"),
        "a rotated password must not invalidate the tokens in flight");
    String id = TokenCodec.databaseSetId(PRIMARY_URL);
    assertTrue(id.matches("[A-Za-z0-9_-]+"), id);
    assertFalse(id.contains("db-primary"), "the id must not reveal the URL: " + id);
  }

  // ---- refused input -------------------------------------------------------------------------

  static Stream<Arguments> refusedTokens() {
    String body = VALID.substring(0, VALID.indexOf('.'));
    String signature = VALID.substring(VALID.indexOf('.') + 1);
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("null", null));
    cases.add(Arguments.of("empty", ""));
    cases.add(Arguments.of("blank", "   "));
    cases.add(Arguments.of("garbage text", "hello, I am not a token!"));
    cases.add(Arguments.of("no dot", body + signature));
    cases.add(Arguments.of("two dots", body + "." + signature + "." + signature));
    cases.add(Arguments.of("dot only", "."));
    cases.add(Arguments.of("empty payload part", "." + signature));
    cases.add(Arguments.of("empty signature part", body + "."));
    cases.add(Arguments.of("non-base64url characters in the payload", "ab+/cd*" + "." + signature));
    cases.add(Arguments.of("non-base64url characters in the signature", body + ".%%%" + signature));
    cases.add(Arguments.of("non-ASCII characters", body + "é." + signature));
    cases.add(Arguments.of("whitespace around", " " + VALID + "\n"));
    cases.add(Arguments.of("base64 of a non-JSON text, signed", signed("not json at all")));
    cases.add(Arguments.of("JSON array, signed", signed("[1,2,3]")));
    cases.add(Arguments.of("JSON string, signed", signed("\"token\"")));
    cases.add(Arguments.of("JSON null, signed", signed("null")));
    cases.add(Arguments.of("truncated JSON, signed", signed("{\"v\":1,\"s\":\"" + SET + "\"")));
    cases.add(Arguments.of("wrong field type, signed", signed(json(Map.of("v", "one", "s", SET)))));
    cases.add(Arguments.of("signed with another secret", encodeWith(OTHER_SECRET, TOKEN)));
    cases.add(Arguments.of("one character of the payload flipped", flip(VALID, 5)));
    cases.add(
        Arguments.of("one character of the signature flipped", flip(VALID, body.length() + 10)));
    cases.add(Arguments.of("signature truncated", VALID.substring(0, VALID.length() - 4)));
    cases.add(Arguments.of("payload and signature swapped", signature + "." + body));
    cases.add(
        Arguments.of(
            "fields changed, re-encoded, old signature kept",
            base64(json(payload(1, SET, Long.MAX_VALUE, LSN, Long.MAX_VALUE))) + "." + signature));
    cases.add(
        Arguments.of(
            "signature of another token",
            body
                + "."
                + signatureOf(
                    CODEC.encode(new ConsistencyToken(SET, PINNED_UNTIL + 1, POSITION, EXPIRES)))));
    cases.add(
        Arguments.of(
            "expired",
            CODEC.encode(new ConsistencyToken(SET, NOW - 60_000L, POSITION, NOW - 1_000L))));
    cases.add(
        Arguments.of(
            "expiring exactly now", CODEC.encode(new ConsistencyToken(SET, 0, POSITION, NOW))));
    cases.add(
        Arguments.of(
            "issued for another database set (other primary URL), same secret",
            new TokenCodec(TokenCodec.databaseSetId(OTHER_PRIMARY_URL), SECRET)
                .encode(
                    new ConsistencyToken(
                        TokenCodec.databaseSetId(OTHER_PRIMARY_URL),
                        PINNED_UNTIL,
                        POSITION,
                        EXPIRES))));
    cases.add(
        Arguments.of("wrong version 2", signed(json(payload(2, SET, PINNED_UNTIL, LSN, EXPIRES)))));
    cases.add(
        Arguments.of("wrong version 0", signed(json(payload(0, SET, PINNED_UNTIL, LSN, EXPIRES)))));
    Map<String, Object> extra = payload(1, SET, PINNED_UNTIL, LSN, EXPIRES);
    extra.put("admin", true);
    cases.add(Arguments.of("unknown extra JSON field", signed(json(extra))));
    cases.add(Arguments.of("negative pin time", signed(json(payload(1, SET, -1, LSN, EXPIRES)))));
    cases.add(
        Arguments.of(
            "oversized (longer than MAX_LENGTH)",
            VALID + "A".repeat(TokenCodec.MAX_LENGTH - VALID.length() + 1)));
    cases.add(Arguments.of("huge", "A".repeat(1_000_000) + "." + "B".repeat(1_000_000)));
    cases.add(Arguments.of("valid JSON, no fields", signed("{}")));
    cases.add(Arguments.of("valid JSON, version missing", signed(json(without("v")))));
    cases.add(Arguments.of("valid JSON, database set missing", signed(json(without("s")))));
    cases.add(Arguments.of("valid JSON, expiry missing", signed(json(without("e")))));
    Map<String, Object> nullSet = payload(1, SET, PINNED_UNTIL, LSN, EXPIRES);
    nullSet.put("s", null);
    cases.add(Arguments.of("valid JSON, database set null", signed(json(nullSet))));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTokens")
  void badInputDecodesToNullWithoutThrowing(String kind, String token) {
    ConsistencyToken decoded = assertDoesNotThrow(() -> CODEC.decode(token, NOW), kind);
    assertNull(decoded, () -> kind + ": " + token);
  }

  @Test
  void theSignedHelperProducesTokensTheCodecAccepts() {
    // Guards the refusal cases above: they fail for the reason they name, not because the helper
    // signs differently from the codec.
    assertEquals(
        TOKEN, CODEC.decode(signed(json(payload(1, SET, PINNED_UNTIL, LSN, EXPIRES))), NOW));
    assertNotNull(CODEC.decode(encodeWith(SECRET, TOKEN), NOW));
  }

  @Test
  void aGtidPositionSurvivesTheRoundTrip() {
    ConsistencyToken gtid =
        new ConsistencyToken(
            SET, 0, ReplicationPosition.gtids("0-1-42,7-3-18446744073709551615"), EXPIRES);
    assertEquals(gtid, CODEC.decode(CODEC.encode(gtid), NOW));
  }

  /** A WAL position carries its timeline, so that a promotion cannot make it look reached. */
  @Test
  void aWalPositionKeepsItsTimeline() {
    ConsistencyToken onTimeline3 =
        new ConsistencyToken(SET, 0, ReplicationPosition.wal(3, LSN), EXPIRES);
    ConsistencyToken decoded = CODEC.decode(CODEC.encode(onTimeline3), NOW);
    assertEquals(onTimeline3, decoded);
    assertEquals(3, decoded.position().timeline());
    assertEquals(
        0,
        CODEC.decode(VALID, NOW).position().timeline(),
        "a token without one (issued before timelines were carried) has an unknown timeline");
  }

  @Test
  void aSignedTokenWithAMalformedTimelineIsIgnored() {
    for (long timeline : new long[] {-1, 4294967296L}) {
      Map<String, Object> fields = payload(1, SET, PINNED_UNTIL, LSN, EXPIRES);
      fields.put("t", timeline);
      assertNull(CODEC.decode(signed(json(fields)), NOW), String.valueOf(timeline));
    }
    Map<String, Object> withoutPosition = payload(1, SET, PINNED_UNTIL, 0, EXPIRES);
    withoutPosition.put("t", 2);
    assertNull(
        CODEC.decode(signed(json(withoutPosition)), NOW), "a timeline without a WAL position");
  }

  /** A signed token whose GTID text is not a position grants nothing and never reaches SQL. */
  @Test
  void aSignedTokenWithAMalformedGtidPositionIsIgnored() {
    for (String gtids : new String[] {"garbage", "0-1-1; select 1", "0-1", "0-1-1,0-2-2", ""}) {
      Map<String, Object> fields = payload(1, SET, PINNED_UNTIL, 0, EXPIRES);
      fields.put("g", gtids);
      ConsistencyToken decoded = CODEC.decode(signed(json(fields)), NOW);
      if (gtids.isEmpty()) {
        assertEquals(ReplicationPosition.gtids(""), decoded.position(), "empty: requires nothing");
      } else {
        assertNull(decoded, gtids);
      }
    }
    Map<String, Object> both = payload(1, SET, PINNED_UNTIL, LSN, EXPIRES);
    both.put("g", "0-1-1");
    assertNull(CODEC.decode(signed(json(both)), NOW), "a WAL and a GTID position at once");
  }

  @Test
  void aTokenOfAnotherDatabaseSetIsValidThere() {
    String otherSet = TokenCodec.databaseSetId(OTHER_PRIMARY_URL);
    TokenCodec other = new TokenCodec(otherSet, SECRET);
    ConsistencyToken token = new ConsistencyToken(otherSet, PINNED_UNTIL, POSITION, EXPIRES);
    String encoded = other.encode(token);
    assertEquals(token, other.decode(encoded, NOW));
    assertNull(CODEC.decode(encoded, NOW));
  }

  // ---- logging -------------------------------------------------------------------------------

  @Test
  void refusalsAreLoggedAtDebugWithTheReasonButNeverTheToken() throws Exception {
    String tampered = flip(VALID, 5);
    String foreign = encodeWith(OTHER_SECRET, TOKEN);
    String expired = CODEC.encode(new ConsistencyToken(SET, 0, POSITION, NOW - 1));
    String garbage = "garbage-that-is-not-a-token";
    String log =
        withConsistencyDebugLog(
            () -> {
              assertNull(CODEC.decode(tampered, NOW));
              assertNull(CODEC.decode(foreign, NOW));
              assertNull(CODEC.decode(expired, NOW));
              assertNull(CODEC.decode(garbage, NOW));
            });
    assertTrue(log.contains("consistency token ignored"), log);
    assertTrue(log.contains("bad signature"), log);
    assertTrue(log.contains("expired"), log);
    assertTrue(log.contains("not of the form payload.signature"), log);
    for (String token : List.of(tampered, foreign, expired, garbage)) {
      assertFalse(log.contains(token), "token logged: " + log);
      for (String part : token.split("\\.")) {
        assertFalse(log.contains(part), "part of a token logged: " + log);
      }
    }
    assertFalse(log.contains(SECRET), log);
    assertFalse(log.contains(OTHER_SECRET), log);
  }

  /**
   * Runs {@code work} with the consistency logger at DEBUG (slf4j-simple, set through its level
   * field since core's simplelogger.properties leaves it at INFO) and returns what it wrote to
   * System.err.
   */
  private static String withConsistencyDebugLog(Runnable work) throws Exception {
    Logger logger = LoggerFactory.getLogger("dev.balanced.consistency");
    Field level = findField(logger.getClass(), "currentLogLevel");
    // slf4j-simple is this module's test logger; anything else is a broken test set-up.
    assertNotNull(level, "not slf4j-simple: " + logger.getClass());
    level.setAccessible(true);
    int before = level.getInt(logger);
    level.setInt(logger, 10); // LocationAwareLogger.DEBUG_INT
    try (CapturedLog captured = CapturedLog.start()) {
      assertTrue(logger.isDebugEnabled());
      work.run();
      return captured.text();
    } finally {
      level.setInt(logger, before);
    }
  }

  private static Field findField(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        return c.getDeclaredField(name);
      } catch (NoSuchFieldException e) {
        // look further up
      }
    }
    return null;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Map<String, Object> payload(
      int version, String set, long pinnedUntil, long lsn, long expiresAt) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("v", version);
    payload.put("s", set);
    payload.put("u", pinnedUntil);
    payload.put("l", lsn);
    payload.put("e", expiresAt);
    return payload;
  }

  private static Map<String, Object> without(String field) {
    Map<String, Object> payload = payload(1, SET, PINNED_UNTIL, LSN, EXPIRES);
    payload.remove(field);
    return payload;
  }

  /** Minimal JSON for flat maps of numbers, strings, booleans and nulls. */
  private static String json(Map<String, Object> fields) {
    StringBuilder json = new StringBuilder("{");
    fields.forEach(
        (key, value) -> {
          if (json.length() > 1) {
            json.append(',');
          }
          json.append('"').append(key).append("\":");
          json.append(value instanceof String ? "\"" + value + "\"" : String.valueOf(value));
        });
    return json.append('}').toString();
  }

  private static String base64(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code json} as a token body with a valid signature under {@link #SECRET}. */
  private static String signed(String json) {
    String body = base64(json);
    return body + "." + hmac(SECRET, body);
  }

  /** {@code token} as the codec would encode it with {@code secret}. */
  private static String encodeWith(String secret, ConsistencyToken token) {
    return new TokenCodec(token.databaseSet(), secret).encode(token);
  }

  private static String hmac(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(body.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String signatureOf(String token) {
    return token.substring(token.indexOf('.') + 1);
  }

  /** {@code token} with the base64url character at {@code index} replaced by another one. */
  private static String flip(String token, int index) {
    char c = token.charAt(index);
    char replacement = c == 'A' ? 'B' : 'A';
    return token.substring(0, index) + replacement + token.substring(index + 1);
  }

  @Test
  void everyOtherSpellingOfTheSignaturesLastCharacterIsRefused() {
    String token = CODEC.encode(TOKEN);
    char last = token.charAt(token.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (char c : alphabet.toCharArray()) {
      if (c != last) {
        String respelt = token.substring(0, token.length() - 1) + c;
        assertNull(CODEC.decode(respelt, NOW), "accepted " + respelt);
      }
    }
  }
}
