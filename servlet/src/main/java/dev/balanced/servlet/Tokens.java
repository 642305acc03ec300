package dev.balanced.servlet;

import dev.balanced.PinningContext;
import java.time.Duration;

/**
 * Cheap shape checks for what travels through cookies, headers and token stores. They cannot tell a
 * genuine token from a forged one (only core can, with the secret); they only keep absurd input
 * (oversized, control characters, characters no token has) away from core, from response headers
 * and from stores. Nothing here ever logs a token or a user id.
 */
final class Tokens {
  /** Core refuses anything longer, unread. */
  public static final int MAX_TOKEN_LENGTH = PinningContext.MAX_TOKEN_LENGTH;

  /** Longer user ids are refused: a user id is a key, not a document. */
  public static final int MAX_USER_ID_LENGTH = 256;

  private Tokens() {}

  /**
   * Whether {@code token} could be one of core's tokens: 1 to {@value #MAX_TOKEN_LENGTH} characters
   * of base64url and dots.
   */
  public static boolean wellFormed(String token) {
    return problemWithToken(token) == null;
  }

  /** Why {@code token} is refused, or {@code null} when its shape is fine. Never echoes it. */
  public static String problemWithToken(String token) {
    if (token == null) {
      return "no token";
    }
    if (token.isEmpty()) {
      return "empty token";
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      return "token longer than " + MAX_TOKEN_LENGTH + " characters";
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.';
      if (!ok) {
        return "token holds a character no token has";
      }
    }
    return null;
  }

  /** Why a token store refuses to keep this entry, or {@code null} when it may. */
  public static String problemWithEntry(String userId, String token, Duration ttl) {
    String problem = problemWithUserId(userId);
    if (problem == null) {
      problem = problemWithToken(token);
    }
    if (problem == null && ttlMillis(ttl) < 0) {
      problem = "time to live missing, not positive or too large";
    }
    return problem;
  }

  /** Why {@code userId} is refused as a token store key, or {@code null} when it is fine. */
  public static String problemWithUserId(String userId) {
    if (userId == null) {
      return "no user id";
    }
    if (userId.isBlank()) {
      return "blank user id";
    }
    if (userId.length() > MAX_USER_ID_LENGTH) {
      return "user id longer than " + MAX_USER_ID_LENGTH + " characters";
    }
    for (int i = 0; i < userId.length(); i++) {
      char c = userId.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c) && !validSurrogate(userId, i)) {
        return "user id holds a control character or a broken surrogate pair";
      }
    }
    return null;
  }

  private static boolean validSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /**
   * The time to live in milliseconds, or -1 when {@code ttl} is absent, not positive, or too large
   * to count in milliseconds.
   */
  public static long ttlMillis(Duration ttl) {
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      return -1;
    }
    try {
      long millis = ttl.toMillis();
      return millis > 0 ? millis : -1;
    } catch (ArithmeticException e) {
      return -1;
    }
  }
}
