package dev.balanced.internal.position;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which databases have replication positions Balanced can read, and which {@link PositionSource}
 * reads them: PostgreSQL (WAL) and MariaDB (GTID). MySQL servers have GTIDs of another form and
 * other functions, which no test here can run against: they are refused rather than guessed at.
 */
public final class PositionDatabases {
  /** The driver part of a JDBC URL, also behind a wrapper such as {@code jdbc:aws-wrapper:}. */
  private static final Pattern POSTGRESQL = Pattern.compile("^jdbc:(?:[a-z0-9-]+:)?postgresql:");

  private static final Pattern MARIADB = Pattern.compile("^jdbc:(?:[a-z0-9-]+:)?mariadb:");
  private static final Pattern MYSQL = Pattern.compile("^jdbc:(?:[a-z0-9-]+:)?mysql:");

  /** For messages. */
  public static final String SUPPORTED =
      "PostgreSQL (WAL positions) or MariaDB (GTID positions): a jdbc:postgresql:, jdbc:mariadb:"
          + " or jdbc:mysql: URL";

  private PositionDatabases() {}

  /** Whether a primary at {@code url} may have positions; the server decides for jdbc:mysql:. */
  public static boolean mayHavePositions(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    return POSTGRESQL.matcher(lower).find()
        || MARIADB.matcher(lower).find()
        || MYSQL.matcher(lower).find();
  }

  /** The source the URL alone decides, or null when the server must be asked (jdbc:mysql:). */
  public static PositionSource byUrl(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (POSTGRESQL.matcher(lower).find()) {
      return WalPositions.SOURCE;
    }
    if (MARIADB.matcher(lower).find()) {
      return GtidPositions.SOURCE;
    }
    return null;
  }

  /**
   * The source for a server that introduces itself so ({@link java.sql.DatabaseMetaData}'s product
   * name and version).
   *
   * @throws IllegalArgumentException saying why the server has no positions Balanced can read
   */
  public static PositionSource byServer(String productName, String productVersion) {
    String name = productName == null ? "" : productName;
    String version = productVersion == null ? "" : productVersion;
    if (name.equalsIgnoreCase("PostgreSQL")) {
      return WalPositions.SOURCE;
    }
    if (name.equalsIgnoreCase("MariaDB") || version.contains("MariaDB")) {
      return GtidPositions.SOURCE;
    }
    if (name.equalsIgnoreCase("MySQL")) {
      throw new IllegalArgumentException(
          "the primary is a MySQL server ("
              + version
              + "): Balanced reads replication positions of PostgreSQL (WAL) and MariaDB (GTID);"
              + " MySQL's GTID mode is not supported, since it is not tested");
    }
    throw new IllegalArgumentException(
        "the primary is " + name + " " + version + ", which has no replication positions");
  }
}
