package dev.balanced.hibernate.internal;

import java.sql.DatabaseMetaData;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolutionInfo;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recognises a MariaDB server reached through MySQL Connector/J. That driver reports every server
 * as "MySQL", and MariaDB 10.x introduces itself to it as version {@code 5.5.5-10.11.19-MariaDB} (a
 * prefix kept for old MySQL clients). Hibernate then picks {@code MySQLDialect}, whose {@code for
 * update of <alias>} MariaDB rejects, and reading version 5.5.5 it would leave out what the server
 * has had for years ({@code SKIP LOCKED}, sequences' full support). This resolver, asked before
 * Hibernate's own, gives such a server {@link MariaDBDialect} for its real version. An explicit
 * {@code hibernate.dialect} still wins: Hibernate asks no resolver then.
 */
final class MariaDbBehindMySqlDriver implements DialectResolver {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.config");
  private static final Pattern VERSION = Pattern.compile("((\\d+)\\.(\\d+)\\.(\\d+)\\S*)");

  /**
   * The server's own version in what a driver reports for MariaDB: without the {@code 5.5.5-}
   * prefix MariaDB 10 sends to MySQL clients.
   */
  static String realVersion(String reported) {
    return reported.startsWith("5.5.5-") ? reported.substring("5.5.5-".length()) : reported;
  }

  @Override
  public Dialect resolveDialect(DialectResolutionInfo info) {
    String reported = info.getDatabaseVersion();
    if (!"MySQL".equals(info.getDatabaseName())
        || reported == null
        || !reported.contains("MariaDB")) {
      return null;
    }
    Matcher m = VERSION.matcher(realVersion(reported));
    if (!m.lookingAt()) {
      return null;
    }
    AsMariaDb corrected =
        new AsMariaDb(
            info,
            m.group(1),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)));
    LOG.info(
        "The database is MariaDB {} reached through {}, which reports it as MySQL {}: using"
            + " Hibernate's MariaDBDialect for {} (set hibernate.dialect to choose otherwise)",
        corrected.getDatabaseVersion(),
        info.getDriverName(),
        reported,
        corrected.getDatabaseVersion());
    return new MariaDBDialect(corrected);
  }

  /** What the driver said, with the server's real name and version. */
  private record AsMariaDb(
      DialectResolutionInfo reported, String version, int major, int minor, int micro)
      implements DialectResolutionInfo {
    @Override
    public String getDatabaseName() {
      return "MariaDB";
    }

    @Override
    public String getDatabaseVersion() {
      return version;
    }

    @Override
    public int getDatabaseMajorVersion() {
      return major;
    }

    @Override
    public int getDatabaseMinorVersion() {
      return minor;
    }

    @Override
    public int getDatabaseMicroVersion() {
      return micro;
    }

    @Override
    public String getDriverName() {
      return reported.getDriverName();
    }

    @Override
    public int getDriverMajorVersion() {
      return reported.getDriverMajorVersion();
    }

    @Override
    public int getDriverMinorVersion() {
      return reported.getDriverMinorVersion();
    }

    @Override
    public String getSQLKeywords() {
      return reported.getSQLKeywords();
    }

    @Override
    public DatabaseMetaData getDatabaseMetadata() {
      return reported.getDatabaseMetadata();
    }

    @Override
    public Map<String, Object> getConfigurationValues() {
      return reported.getConfigurationValues();
    }
  }
}
