package dev.balanced.internal.consistency;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.balanced.events.TokenDecision.Outcome;
import dev.balanced.internal.events.Events;
import dev.balanced.internal.position.ReplicationPosition;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link ConsistencyToken} into a compact signed string and back: {@code base64url(json)
 * "." base64url(HMAC-SHA256(secret, base64url(json)))}. A token that is tampered with, signed with
 * another secret, malformed, expired, of another version or of another database set is refused:
 * {@link #decode} logs why at DEBUG and returns {@code null}, so a bad token never breaks a request
 * and never grants anything.
 */
public final class TokenCodec {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.consistency");
  private static final int VERSION = 1;

  /**
   * The longest token accepted: real ones are about 120 characters of base64url and one dot.
   * Anything longer is refused unread, so transports may refuse it too.
   */
  public static final int MAX_LENGTH = 512;

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNBASE64 = Base64.getUrlDecoder();

  private final String databaseSet;
  private final SecretKeySpec key;

  private final Events events;

  public TokenCodec(String databaseSet, String secret) {
    this(databaseSet, secret, Events.NONE);
  }

  /** A codec that tells {@code events} of every token it refuses, and why. */
  public TokenCodec(String databaseSet, String secret, Events events) {
    this.databaseSet = databaseSet;
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.events = events;
  }

  public String databaseSet() {
    return databaseSet;
  }

  /**
   * The wire form of a token; short field names keep cookies small. A position is a WAL position
   * ({@code l}, a number, with its timeline {@code t} where known) or a GTID list ({@code g}, only
   * when there is one, so tokens of PostgreSQL and time mode read as before).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Payload(
      @JsonProperty("v") int version,
      @JsonProperty("s") String databaseSet,
      @JsonProperty("u") long pinnedUntilMillis,
      @JsonProperty("l") long lsn,
      @JsonProperty("t") Long timeline,
      @JsonProperty("g") String gtids,
      @JsonProperty("e") long expiresAtMillis) {}

  public String encode(ConsistencyToken token) {
    try {
      byte[] json =
          JSON.writeValueAsBytes(
              new Payload(
                  VERSION,
                  token.databaseSet(),
                  token.pinnedUntilMillis(),
                  token.position().lsn(),
                  token.position().timeline() == 0 ? null : token.position().timeline(),
                  token.position().kind() == ReplicationPosition.Kind.GTID
                      ? token.position().toString()
                      : null,
                  token.expiresAtMillis()));
      String body = BASE64.encodeToString(json);
      return body + "." + BASE64.encodeToString(sign(body));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Cannot serialize a consistency token", e);
    }
  }

  /**
   * The token {@code text} stands for, or {@code null} when it is absent or refused (the reason is
   * logged at DEBUG, never the token itself).
   */
  public ConsistencyToken decode(String text, long nowMillis) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (text.length() > MAX_LENGTH) {
      return refuse("longer than " + MAX_LENGTH + " characters", Outcome.IGNORED_TOO_LARGE);
    }
    int dot = text.indexOf('.');
    if (dot <= 0 || dot != text.lastIndexOf('.') || dot == text.length() - 1) {
      return refuse("not of the form payload.signature", Outcome.IGNORED_MALFORMED);
    }
    String body = text.substring(0, dot);
    byte[] json;
    try {
      json = UNBASE64.decode(body);
    } catch (IllegalArgumentException e) {
      return refuse("not base64url", Outcome.IGNORED_MALFORMED);
    }
    // The signature is compared as text: base64 decoders ignore the unused low bits of the last
    // character, so comparing decoded bytes would accept several spellings of one signature.
    byte[] signature = text.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    byte[] expected = BASE64.encodeToString(sign(body)).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(signature, expected)) {
      return refuse(
          "bad signature (tampered with, or signed with another secret)",
          Outcome.IGNORED_BAD_SIGNATURE);
    }
    Payload payload;
    try {
      payload = JSON.readValue(json, Payload.class);
    } catch (java.io.IOException e) {
      return refuse("signed, but its payload is not a token", Outcome.IGNORED_MALFORMED);
    }
    if (payload == null) {
      // The JSON literal null: Jackson returns no object rather than failing.
      return refuse("signed, but its payload is not a token", Outcome.IGNORED_MALFORMED);
    }
    if (payload.version() != VERSION) {
      return refuse("unsupported version " + payload.version(), Outcome.IGNORED_MALFORMED);
    }
    if (!databaseSet.equals(payload.databaseSet())) {
      return refuse("issued for another database set", Outcome.IGNORED_OTHER_DATABASES);
    }
    if (payload.expiresAtMillis() <= nowMillis) {
      return refuse("expired", Outcome.IGNORED_EXPIRED);
    }
    if (payload.pinnedUntilMillis() < 0) {
      return refuse("negative pin time", Outcome.IGNORED_MALFORMED);
    }
    ReplicationPosition position;
    long timeline = payload.timeline() == null ? 0 : payload.timeline();
    if (timeline < 0 || timeline > 0xFFFFFFFFL || (timeline != 0 && payload.lsn() == 0)) {
      return refuse("its timeline is malformed", Outcome.IGNORED_MALFORMED);
    }
    if (payload.gtids() == null) {
      position = ReplicationPosition.wal(timeline, payload.lsn());
    } else if (payload.lsn() != 0) {
      return refuse("both a WAL and a GTID position", Outcome.IGNORED_MALFORMED);
    } else {
      // Checked here, strictly: nothing in a token reaches SQL unparsed.
      try {
        position = ReplicationPosition.gtids(payload.gtids());
      } catch (IllegalArgumentException e) {
        return refuse("its GTID position is malformed", Outcome.IGNORED_MALFORMED);
      }
    }
    return new ConsistencyToken(
        payload.databaseSet(), payload.pinnedUntilMillis(), position, payload.expiresAtMillis());
  }

  /**
   * The expiry {@code text} claims, in epoch milliseconds, read without checking its signature: for
   * a transport that keeps a token no longer than it can grant anything (a cookie's Max-Age), never
   * for deciding what a token grants. {@code -1} when there is none to read.
   */
  public static long claimedExpiryMillis(String text) {
    if (text == null || text.length() > MAX_LENGTH) {
      return -1;
    }
    int dot = text.indexOf('.');
    try {
      Payload payload =
          JSON.readValue(UNBASE64.decode(dot < 0 ? text : text.substring(0, dot)), Payload.class);
      return payload == null ? -1 : payload.expiresAtMillis();
    } catch (java.io.IOException | IllegalArgumentException e) {
      return -1;
    }
  }

  private ConsistencyToken refuse(String reason, Outcome outcome) {
    LOG.debug("consistency token ignored: {}", reason);
    if (events.active()) {
      // It grants nothing: the unit of work reads where it would without it.
      events.tokenDecided(outcome, null, 0);
    }
    return null;
  }

  private byte[] sign(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** A stable id for a database set: a digest of its primary's URL, without credentials. */
  public static String databaseSetId(String primaryUrl) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  dev.balanced.spi.Secrets.maskUrl(primaryUrl).getBytes(StandardCharsets.UTF_8));
      return BASE64.encodeToString(java.util.Arrays.copyOf(digest, 9));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
