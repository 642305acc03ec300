package dev.balanced.hibernate.internal;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.spi.BalancedConfiguration;
import dev.balanced.spi.ConfiguredNode;
import dev.balanced.spi.JdbcUrls;
import dev.balanced.spi.Secrets;
import dev.balanced.spi.Settings;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.hibernate.cfg.AgroalSettings;
import org.hibernate.cfg.C3p0Settings;
import org.hibernate.cfg.HikariCPSettings;
import org.hibernate.cfg.JdbcSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hibernate's own connection settings, which Balanced replaces. Once Balanced provides the
 * connections, Hibernate ignores them without a word, so a persistence unit moved to Balanced that
 * kept them would look as if they mattered. One that differs from the primary's, or a data source
 * whose database cannot be told, fails startup; one that agrees with the primary (as a framework
 * that builds its own DataSource from the same URL sets it) is ignored with one INFO line.
 */
final class SupersededConnectionSettings {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.config");

  /**
   * Each kind's keys, Jakarta's first. The JPA bootstrap copies a value to every key of its kind,
   * whichever one the application wrote (a persistence unit's {@code <non-jta-data-source>} too),
   * so the keys of a kind that hold one value are named together. Hibernate deprecates most of
   * these keys but still honours them, which is why they are checked.
   */
  @SuppressWarnings("deprecation")
  private enum Kind {
    URL(JdbcSettings.JAKARTA_JDBC_URL, JdbcSettings.URL, JdbcSettings.JPA_JDBC_URL),
    DATA_SOURCE(
        JdbcSettings.JAKARTA_NON_JTA_DATASOURCE,
        JdbcSettings.JAKARTA_JTA_DATASOURCE,
        JdbcSettings.DATASOURCE,
        JdbcSettings.JPA_NON_JTA_DATASOURCE,
        JdbcSettings.JPA_JTA_DATASOURCE),
    USERNAME(JdbcSettings.JAKARTA_JDBC_USER, JdbcSettings.USER, JdbcSettings.JPA_JDBC_USER),
    PASSWORD(JdbcSettings.JAKARTA_JDBC_PASSWORD, JdbcSettings.PASS, JdbcSettings.JPA_JDBC_PASSWORD);

    final List<String> keys;

    Kind(String... keys) {
      this.keys = List.of(keys);
    }
  }

  /** Settings of the pool Hibernate would build, which never agree with Balanced's pools. */
  @SuppressWarnings("deprecation")
  private static final List<String> POOL_KEYS =
      List.of(
          JdbcSettings.CONNECTION_PROVIDER,
          JdbcSettings.POOL_SIZE,
          JdbcSettings.ISOLATION,
          JdbcSettings.AUTOCOMMIT);

  /** Hibernate's own HikariCP, C3P0 and Agroal integrations read their settings from these. */
  private static final List<String> POOL_PREFIXES =
      List.of(
          HikariCPSettings.HIKARI_CONFIG_PREFIX + ".",
          C3p0Settings.C3P0_CONFIG_PREFIX + ".",
          AgroalSettings.AGROAL_CONFIG_PREFIX + ".");

  private SupersededConnectionSettings() {}

  /**
   * @throws BalancedConfigurationException naming the first setting that disagrees with the primary
   */
  static void check(Map<String, Object> settings, BalancedConfiguration balanced) {
    checkPool(settings, balanced);
    List<String> ignored = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      check(kind, settings, balanced, ignored);
    }
    if (!ignored.isEmpty()) {
      LOG.info(
          "Ignoring {}: the same as the primary's '{}*', which Balanced connects to through its"
              + " own pools",
          String.join(", ", ignored),
          balanced.primary().keyPrefix());
    }
  }

  private static void checkPool(Map<String, Object> settings, BalancedConfiguration balanced) {
    for (Map.Entry<String, Object> setting : new TreeMap<>(settings).entrySet()) {
      String key = setting.getKey();
      if (setting.getValue() != null
          && (POOL_KEYS.contains(key) || POOL_PREFIXES.stream().anyMatch(key::startsWith))) {
        throw new BalancedConfigurationException(
            "Setting '"
                + key
                + "' ["
                + Secrets.maskUrl(Secrets.displayValue(key, setting.getValue().toString()))
                + "] configures the connection pool Hibernate would build. With '"
                + balanced.prefix()
                + "*' settings Hibernate connects only through Balanced's pools and would ignore"
                + " it: remove it, and configure the pools with '"
                + balanced.primary().keyPrefix()
                + Settings.HIKARI
                + "<HikariCP property>' (e.g. maximumPoolSize, transactionIsolation, autoCommit;"
                + " replicas inherit them)");
      }
    }
  }

  private static void check(
      Kind kind,
      Map<String, Object> settings,
      BalancedConfiguration balanced,
      List<String> ignored) {
    ConfiguredNode primary = balanced.primary();
    List<String> done = new ArrayList<>();
    for (String key : kind.keys) {
      Object value = settings.get(key);
      if (value == null || value instanceof String s && s.isBlank() || done.contains(key)) {
        continue;
      }
      List<String> sameValue = new ArrayList<>();
      for (String other : kind.keys) {
        // A data source is the same one, not an equal one: its equals() is none of our business.
        Object otherValue = settings.get(other);
        if (otherValue == value || value instanceof String && value.equals(otherValue)) {
          sameValue.add(other);
        }
      }
      done.addAll(sameValue);
      String url = kind == Kind.DATA_SOURCE ? urlOf(value) : null;
      boolean agrees =
          switch (kind) {
            case URL -> JdbcUrls.sameDatabase(value.toString(), primary.url());
            case DATA_SOURCE -> JdbcUrls.sameDatabase(url, primary.url());
            case USERNAME -> value.toString().equals(primary.username());
            case PASSWORD -> value.toString().equals(primary.password());
          };
      String described = describe(kind, value, url);
      if (!agrees) {
        throw conflict(kind, sameValue, described, url, balanced);
      }
      ignored.add(quoted(sameValue) + " " + described);
    }
  }

  private static BalancedConfigurationException conflict(
      Kind kind, List<String> keys, String described, String url, BalancedConfiguration balanced) {
    ConfiguredNode primary = balanced.primary();
    String urlKey = primary.keyPrefix() + Settings.URL.key();
    String usernameKey = primary.keyPrefix() + Settings.USERNAME.key();
    String passwordKey = primary.keyPrefix() + Settings.PASSWORD.key();
    String primaryUrl = "'" + urlKey + "' [" + Secrets.maskUrl(primary.url()) + "]";
    String mismatch =
        switch (kind) {
          case URL -> "a database other than the primary " + primaryUrl;
          case DATA_SOURCE ->
              url != null
                  ? "a database other than the primary " + primaryUrl
                  : "whose database cannot be told without connecting (no JDBC URL can be read"
                      + " from it), so it may not be the primary "
                      + primaryUrl;
          case USERNAME ->
              "not the primary's username '"
                  + usernameKey
                  + "' ["
                  + (primary.username() == null ? "none" : primary.username())
                  + "]";
          case PASSWORD -> "not the primary's password '" + passwordKey + "'";
        };
    String remedy =
        switch (kind) {
          case URL ->
              "give the primary's URL in '"
                  + urlKey
                  + "' and its credentials in '"
                  + usernameKey
                  + "' and '"
                  + passwordKey
                  + "'";
          case DATA_SOURCE ->
              "configure the primary's pool with '"
                  + urlKey
                  + "' and '"
                  + primary.keyPrefix()
                  + Settings.HIKARI
                  + "<HikariCP property>'";
          case USERNAME, PASSWORD ->
              "give the primary's credentials in '"
                  + usernameKey
                  + "' and '"
                  + passwordKey
                  + "' (replicas inherit them)";
        };
    String them = keys.size() == 1 ? "it" : "them";
    return new BalancedConfigurationException(
        (keys.size() == 1 ? "Setting " : "Settings ")
            + quoted(keys)
            + (keys.size() == 1 ? " is " : " are ")
            + described
            + ", "
            + mismatch
            + ". With '"
            + balanced.prefix()
            + "*' settings Hibernate connects only through Balanced's pools and would ignore "
            + them
            + ": remove "
            + them
            + (kind == Kind.DATA_SOURCE
                ? " (or the persistence unit's <non-jta-data-source> / <jta-data-source>)"
                : "")
            + ", and "
            + remedy);
  }

  private static String quoted(List<String> keys) {
    return "'" + String.join("', '", keys) + "'";
  }

  /** A URL with its credentials masked, a JNDI name, or a data source's type and URL. */
  private static String describe(Kind kind, Object value, String url) {
    return switch (kind) {
      case PASSWORD -> "[<masked>]";
      case DATA_SOURCE ->
          !(value instanceof DataSource)
              ? "[" + value + "]"
              : "[a "
                  + value.getClass().getSimpleName()
                  + (url == null ? "" : " for " + Secrets.maskUrl(url))
                  + "]";
      default -> "[" + Secrets.maskUrl(value.toString()) + "]";
    };
  }

  /**
   * The JDBC URL a data source was configured with, read from the getter that pools and drivers
   * have in common (HikariCP's {@code getJdbcUrl}, H2's and PostgreSQL's {@code getUrl}): asking
   * the database instead would start the pool Balanced replaces. Null when there is none, and for a
   * JNDI name.
   */
  private static String urlOf(Object dataSource) {
    if (!(dataSource instanceof DataSource)) {
      return null;
    }
    for (String getter : new String[] {"getJdbcUrl", "getUrl", "getURL"}) {
      try {
        Method method = dataSource.getClass().getMethod(getter);
        if (method.getReturnType() == String.class) {
          Object url = method.invoke(dataSource);
          if (url != null) {
            return url.toString();
          }
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        // Not this getter, or not readable: try the next one.
      }
    }
    return null;
  }
}
