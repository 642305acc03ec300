package dev.balanced.spi;

import java.util.Locale;

/** Keeps secrets out of messages and logs. */
public final class Secrets {
  private Secrets() {}

  /** What stands for a secret value in messages. */
  public static final String MASK = "<masked>";

  /** Whether the value of {@code key} is secret (passwords and the like). */
  public static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    // "pass" and "pwd" also catch abbreviated keys (passwd, pass, pwd): a bad value under such a
    // key is a password all the same, and must not reach an error message.
    return lower.contains("pass")
        || lower.contains("pwd")
        || lower.contains("secret")
        || lower.contains("credential");
  }

  /** The value as it may appear in a message: masked when the key names a secret. */
  public static String displayValue(String key, String value) {
    return isSecret(key) ? MASK : value;
  }

  /**
   * A JDBC URL without inline credentials (PostgreSQL and MySQL accept {@code password=} as a URL
   * parameter, and {@code user:password@host} authorities).
   */
  public static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("(?i)(password|pwd)=[^&;]*", "$1=<masked>")
        .replaceAll("//([^/@:]+):[^/@]*@", "//$1:<masked>@");
  }
}
