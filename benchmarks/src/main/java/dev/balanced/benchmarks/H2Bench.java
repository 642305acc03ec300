package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

/**
 * The one in-memory H2 database both sides of every overhead benchmark use, and the one set of
 * HikariCP settings both sides' pools get. Balanced sees it twice: as its primary and as its only
 * replica, so the routing work is all that differs.
 */
final class H2Bench {
  static final String URL = "jdbc:h2:mem:balanced-bench;DB_CLOSE_DELAY=-1";
  static final String USER = "sa";
  static final String PASSWORD = "";

  /** Rows present before a benchmark starts; ids 1..ROWS. */
  static final int ROWS = 1000;

  /** The sequence's increment, and the entity's allocationSize (Hibernate's pooled optimizer). */
  static final int SEQUENCE_INCREMENT = 50;

  /** Generated ids start far above the preloaded ones. */
  private static final long FIRST_GENERATED_ID = 1_000_000;

  private H2Bench() {}

  /** The HikariCP settings of every pool, baseline and Balanced alike (HikariConfig names). */
  static Map<String, String> hikariSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("maximumPoolSize", "4");
    settings.put("minimumIdle", "4");
    return settings;
  }

  /** The baseline's pool: a plain HikariDataSource with {@link #hikariSettings()}. */
  static HikariDataSource hikari() {
    Properties properties = new Properties();
    properties.putAll(hikariSettings());
    HikariConfig config = new HikariConfig(properties);
    config.setPoolName("baseline");
    config.setJdbcUrl(URL);
    config.setUsername(USER);
    config.setPassword(PASSWORD);
    return new HikariDataSource(config);
  }

  /**
   * Balanced over the same database: primary and replica {@code replica1} both at {@link #URL},
   * each pool with {@link #hikariSettings()}; {@code prefix} is {@code "balanced."} or {@code
   * "hibernate.balanced."}.
   */
  static Map<String, Object> balancedSettings(String prefix) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put(prefix + "primary.url", URL);
    settings.put(prefix + "primary.username", USER);
    settings.put(prefix + "primary.password", PASSWORD);
    hikariSettings().forEach((key, value) -> settings.put(prefix + "primary.hikari." + key, value));
    // Replicas inherit the primary's credentials and hikari.* settings.
    settings.put(prefix + "replicas.replica1.url", URL);
    return settings;
  }

  /**
   * An entity manager factory with {@code connectionSettings} and nothing else that differs,
   * managing {@link BenchItem} and {@code moreEntities}.
   */
  static EntityManagerFactory entityManagerFactory(
      Map<String, Object> connectionSettings, Class<?>... moreEntities) {
    Map<String, Object> settings = new LinkedHashMap<>(connectionSettings);
    settings.put("hibernate.hbm2ddl.auto", "none");
    settings.put("jakarta.persistence.sharedCache.mode", "NONE");
    settings.put("hibernate.cache.use_second_level_cache", "false");
    settings.put("hibernate.show_sql", "false");
    HibernatePersistenceConfiguration configuration =
        new HibernatePersistenceConfiguration("balanced-benchmarks").managedClass(BenchItem.class);
    for (Class<?> entity : moreEntities) {
      configuration.managedClass(entity);
    }
    settings.forEach(configuration::property);
    return configuration.createEntityManagerFactory();
  }

  /** Creates the table and the sequence afresh, with rows 1..{@link #ROWS}. */
  static void createSchema() {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("drop table if exists bench_item");
      s.execute("drop sequence if exists bench_item_seq");
      s.execute(
          "create table bench_item(id bigint primary key, name varchar(100), amount bigint not"
              + " null)");
      s.execute(
          "create sequence bench_item_seq start with "
              + FIRST_GENERATED_ID
              + " increment by "
              + SEQUENCE_INCREMENT);
      try (PreparedStatement insert =
          c.prepareStatement("insert into bench_item(id, name, amount) values (?, ?, ?)")) {
        for (int id = 1; id <= ROWS; id++) {
          insert.setLong(1, id);
          insert.setString(2, "item-" + id);
          insert.setLong(3, id * 10L);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create the benchmark schema", e);
    }
  }

  /**
   * Removes what the write benchmarks inserted, so every iteration starts from the same table;
   * returns how many rows that was.
   */
  static int deleteWrittenRows() {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      return s.executeUpdate("delete from bench_item where id > " + ROWS);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot clean up the benchmark table", e);
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(URL, USER, PASSWORD);
  }
}
