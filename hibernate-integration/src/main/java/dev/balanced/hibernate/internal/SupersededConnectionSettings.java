package dev.balanced.hibernate.internal;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.config.JdbcUrls;
import dev.balanced.internal.config.NodeSettings;
import dev.balanced.internal.config.Secrets;
import dev.balanced.internal.config.Settings;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.cfg.JdbcSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hibernate's own connection settings, which Balanced replaces. Once Balanced provides the
 * connections, Hibernate ignores them without a word, so a persistence unit moved to Balanced that
 * kept them would look as if they mattered. One that names a database other than the primary, or
 * one whose database cannot be told, fails startup; one that names the primary (as a framework that
 * builds its own DataSource from the same URL sets it) is ignored with one INFO line.
 */
final class SupersededConnectionSettings {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.config");

  /*
   * Hibernate deprecates most of these keys but still honours them, which is why they are checked:
   * its constants are used, deprecated or not, so that the keys are Hibernate's own spelling.
   */

  /**
   * The JPA bootstrap copies a URL or a data source to every key of its kind, whichever one the
   * application wrote, so the keys of a kind that hold one value are named together.
   */
  @SuppressWarnings("deprecation")
  private static final List<String> URL_KEYS =
      List.of(JdbcSettings.JAKARTA_JDBC_URL, JdbcSettings.URL, JdbcSettings.JPA_JDBC_URL);

  /** Also where the JPA bootstrap puts a persistence unit's {@code <non-jta-data-source>}. */
  @SuppressWarnings("deprecation")
  private static final List<String> DATA_SOURCE_KEYS =
      List.of(
          JdbcSettings.JAKARTA_NON_JTA_DATASOURCE,
          JdbcSettings.JAKARTA_JTA_DATASOURCE,
          JdbcSettings.DATASOURCE,
          JdbcSettings.JPA_NON_JTA_DATASOURCE,
          JdbcSettings.JPA_JTA_DATASOURCE);

  private SupersededConnectionSettings() {}

  /**
   * @throws BalancedConfigurationException naming the first setting that does not name the primary
   */
  static void check(Map<String, Object> settings, BalancedSettings balanced) {
    List<String> ignored = new ArrayList<>();
    checkKind(settings, URL_KEYS, false, balanced, ignored);
    checkKind(settings, DATA_SOURCE_KEYS, true, balanced, ignored);
    if (!ignored.isEmpty()) {
      LOG.info(
          "Ignoring {}: the same database as '{}', which Balanced connects to through its own pools",
          String.join(", ", ignored),
          balanced.primary().keyPrefix() + Settings.URL);
    }
  }

  private static void checkKind(
      Map<String, Object> settings,
      List<String> keys,
      boolean dataSources,
      BalancedSettings balanced,
      List<String> ignored) {
    List<String> done = new ArrayList<>();
    for (String key : keys) {
      Object value = settings.get(key);
      if (value == null || value instanceof String s && s.isBlank() || done.contains(key)) {
        continue;
      }
      List<String> sameValue = new ArrayList<>();
      for (String other : keys) {
        // A data source is the same one, not an equal one: its equals() is none of our business.
        Object otherValue = settings.get(other);
        if (otherValue == value || value instanceof String && value.equals(otherValue)) {
          sameValue.add(other);
        }
      }
      done.addAll(sameValue);
      String url = dataSources ? urlOf(value) : value.toString();
      String described = describe(value, url);
      if (!JdbcUrls.sameDatabase(url, balanced.primary().url())) {
        throw conflict(sameValue, described, url == null, dataSources, balanced);
      }
      ignored.add(quoted(sameValue) + " " + described);
    }
  }

  private static BalancedConfigurationException conflict(
      List<String> keys,
      String described,
      boolean unknownDatabase,
      boolean dataSource,
      BalancedSettings balanced) {
    NodeSettings primary = balanced.primary();
    String primaryUrlKey = primary.keyPrefix() + Settings.URL;
    StringBuilder message = new StringBuilder();
    message
        .append(keys.size() == 1 ? "Setting " : "Settings ")
        .append(quoted(keys))
        .append(keys.size() == 1 ? " is " : " are ")
        .append(described)
        .append(", ")
        .append(
            unknownDatabase
                ? "whose database cannot be told without connecting (no JDBC URL can be read from"
                    + " it), so it may not be the primary '"
                : "a database other than the primary '")
        .append(primaryUrlKey)
        .append("' [")
        .append(Secrets.maskUrl(primary.url()))
        .append("]. With '")
        .append(balanced.prefix())
        .append(
            "*' settings Hibernate connects only through Balanced's pools and would ignore it: ")
        .append("remove it");
    if (dataSource) {
      message
          .append(" (or the persistence unit's <non-jta-data-source> / <jta-data-source>)")
          .append(", and configure the primary's pool with '")
          .append(primaryUrlKey)
          .append("' and '")
          .append(primary.keyPrefix())
          .append(Settings.HIKARI)
          .append("<HikariCP property>'");
    } else {
      message
          .append(", and give the primary's URL in '")
          .append(primaryUrlKey)
          .append("' and its credentials in '")
          .append(primary.keyPrefix())
          .append(Settings.USERNAME)
          .append("' and '")
          .append(primary.keyPrefix())
          .append(Settings.PASSWORD)
          .append("'");
    }
    return new BalancedConfigurationException(message.toString());
  }

  private static String quoted(List<String> keys) {
    return "'" + String.join("', '", keys) + "'";
  }

  /** A URL with its credentials masked, a JNDI name, or a data source's type and URL. */
  private static String describe(Object value, String url) {
    if (!(value instanceof DataSource)) {
      return "[" + Secrets.maskUrl(value.toString()) + "]";
    }
    String type = value.getClass().getSimpleName();
    return url == null ? "[a " + type + "]" : "[a " + type + " for " + Secrets.maskUrl(url) + "]";
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
