package dev.balanced.internal.topology;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import com.zaxxer.hikari.util.PropertyElf;
import dev.balanced.BalancedConfigurationException;
import dev.balanced.internal.config.NodeSettings;
import dev.balanced.internal.position.PositionDatabases;
import dev.balanced.internal.position.WalPositions;
import dev.balanced.spi.PoolCustomizer;
import dev.balanced.spi.Secrets;
import dev.balanced.spi.Settings;
import java.util.Properties;
import javax.sql.DataSource;

/** Builds one HikariCP pool per node from its settings. */
final class PoolFactory {
  private PoolFactory() {}

  static HikariDataSource create(NodeSettings node, boolean primary, PoolCustomizer customizer) {
    return create(node, primary, customizer, null, null);
  }

  /**
   * As {@link #create(NodeSettings, boolean, PoolCustomizer)}; with {@code timelines}, a PostgreSQL
   * primary's pool checks each new connection ({@link PrimaryConnections}), made to {@code target}
   * where given (the discovered primary), else to the node's URL.
   */
  static HikariDataSource create(
      NodeSettings node,
      boolean primary,
      PoolCustomizer customizer,
      Timelines timelines,
      PrimaryConnections.Target target) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("balanced-" + node.name());
    Properties hikari = node.hikari();
    for (String property : hikari.stringPropertyNames()) {
      applyOne(config, property, hikari.getProperty(property), node);
    }
    config.setJdbcUrl(node.url());
    if (node.username() != null) {
      config.setUsername(node.username());
    }
    if (node.password() != null) {
      config.setPassword(node.password());
    }
    customizer.customize(node.name(), primary, config);
    try {
      if (timelines != null
          && PositionDatabases.byUrl(config.getJdbcUrl()) == WalPositions.SOURCE
          && config.getDataSource() == null
          && config.getDataSourceClassName() == null) {
        // Built as HikariCP builds it from the URL, then checked; the URL stays for display.
        DataSource driver =
            new DriverDataSource(
                config.getJdbcUrl(),
                config.getDriverClassName(),
                config.getDataSourceProperties(),
                config.getUsername(),
                config.getPassword());
        config.setDataSource(
            new PrimaryConnections(
                node.name(), target != null ? target : () -> driver, driver, timelines));
      }
      config.validate();
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new BalancedConfigurationException(
          "Cannot start the connection pool of node ["
              + node.name()
              + "] at "
              + Secrets.maskUrl(node.url())
              + " (settings '"
              + node.keyPrefix()
              + "*'): "
              + Secrets.maskUrl(String.valueOf(e.getMessage())),
          e);
    }
  }

  private static void applyOne(
      HikariConfig config, String property, String value, NodeSettings node) {
    Properties single = new Properties();
    single.setProperty(property, value);
    try {
      PropertyElf.setTargetFromProperties(config, single);
    } catch (RuntimeException e) {
      throw badHikari(node, property, value, e);
    }
  }

  private static BalancedConfigurationException badHikari(
      NodeSettings node, String property, String value, RuntimeException cause) {
    String key = node.keyPrefix() + Settings.HIKARI + property;
    if (!property.startsWith("dataSource.")
        && !PropertyElf.getPropertyNames(HikariConfig.class).contains(property)) {
      // The value is left out: under a misspelt key it may well be a password.
      return new BalancedConfigurationException(
          "Unknown HikariCP setting '"
              + key
              + "': expected the name of a HikariConfig property, e.g. maximumPoolSize",
          cause);
    }
    return new BalancedConfigurationException(
        "Invalid HikariCP setting '"
            + key
            + "' = ["
            + Secrets.displayValue(key, value)
            + "]: expected a value of the property's type ("
            + rootMessage(cause)
            + ")",
        cause);
  }

  /** HikariCP wraps setter failures (reflection); the innermost message says what was wrong. */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
