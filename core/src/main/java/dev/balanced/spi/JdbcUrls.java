package dev.balanced.spi;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whether two JDBC URLs name the same database, as far as can be told without connecting. */
public final class JdbcUrls {
  private JdbcUrls() {}

  /** {@code jdbc:<subprotocol>:} and a {@code //host:port} authority, if there is one. */
  private static final Pattern SCHEME_AND_AUTHORITY =
      Pattern.compile("(?i)(jdbc:[a-z0-9]+:(?://[^/?;]*)?)(.*)", Pattern.DOTALL);

  /**
   * The same URL after trivial normalisation: surrounding blanks, the case of the scheme and host
   * (which are case-insensitive) and a trailing {@code /}. Parameters are kept and compared: some
   * drivers name the database in them (SQL Server's {@code ;databaseName=}), and a host's default
   * port is not assumed, so {@code //db/app} and {@code //db:5432/app} count as different.
   */
  public static boolean sameDatabase(String a, String b) {
    return a != null && b != null && normalise(a).equals(normalise(b));
  }

  static String normalise(String url) {
    String trimmed = url.strip();
    Matcher m = SCHEME_AND_AUTHORITY.matcher(trimmed);
    String normalised = m.matches() ? m.group(1).toLowerCase(Locale.ROOT) + m.group(2) : trimmed;
    return normalised.endsWith("/") ? normalised.substring(0, normalised.length() - 1) : normalised;
  }
}
