package dev.balanced.internal.position;

/**
 * PostgreSQL WAL positions ({@code pg_lsn}, printed as {@code 16/B374D848}) as unsigned 64-bit
 * numbers, which compare like the positions they stand for.
 */
public final class Lsn {
  private Lsn() {}

  /**
   * @throws IllegalArgumentException when {@code text} is not of the form {@code hex/hex}
   */
  public static long parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("Not a WAL position: " + text);
    }
    if (!isHex(text, 0, slash) || !isHex(text, slash + 1, text.length())) {
      // Long.parseLong also takes a sign: "-1/0" must not become a position.
      throw new IllegalArgumentException("Not a WAL position: " + text);
    }
    long high = Long.parseLong(text.substring(0, slash), 16);
    long low = Long.parseLong(text.substring(slash + 1), 16);
    if (high > 0xFFFFFFFFL || low > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("Not a WAL position: " + text);
    }
    return (high << 32) | low;
  }

  private static boolean isHex(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (Character.digit(text.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  public static String format(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase()
        + "/"
        + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
  }

  /** Whether position {@code a} is at or after {@code b}. */
  public static boolean reached(long a, long b) {
    return Long.compareUnsigned(a, b) >= 0;
  }
}
