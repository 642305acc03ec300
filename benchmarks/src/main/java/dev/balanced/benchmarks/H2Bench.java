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
import org.h2.tools.Server;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

/**
 * The one in-memory H2 database both sides of every overhead benchmark use, and the one set of
 * HikariCP settings both sides' pools get. Balanced sees it twice: as its primary and as its only
 * replica, so the routing work is all that differs.
 */
final class H2Bench {
  /** The in-memory database's name, as an H2 TCP server serves it too. */
  static final String DATABASE = "mem:balanced-bench";

  static final String URL = "jdbc:h2:" + DATABASE + ";DB_CLOSE_DELAY=-1";
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
    return hikari("baseline", URL);
  }

  /** A plain HikariDataSource for {@code url} with {@link #hikariSettings()}. */
  static HikariDataSource hikari(String poolName, String url) {
    return hikari(poolName, url, USER, PASSWORD);
  }

  /** {@link #hikari(String, String)} with other credentials. */
  static HikariDataSource hikari(String poolName, String url, String user, String password) {
    Properties properties = new Properties();
    properties.putAll(hikariSettings());
    HikariConfig config = new HikariConfig(properties);
    config.setPoolName(poolName);
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    return new HikariDataSource(config);
  }

  /**
   * Balanced over the same database: primary and replica {@code replica1} both at {@link #URL},
   * each pool with {@link #hikariSettings()}; {@code prefix} is {@code "balanced."} or {@code
   * "hibernate.balanced."}.
   */
  static Map<String, Object> balancedSettings(String prefix) {
    return balancedSettings(prefix, URL, URL);
  }

  /** Balanced with its primary at {@code primaryUrl} and {@code replica1} at {@code replicaUrl}. */
  static Map<String, Object> balancedSettings(String prefix, String primaryUrl, String replicaUrl) {
    return balancedSettings(prefix, primaryUrl, replicaUrl, USER, PASSWORD);
  }

  /** {@link #balancedSettings(String, String, String)} with other credentials. */
  static Map<String, Object> balancedSettings(
      String prefix, String primaryUrl, String replicaUrl, String user, String password) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put(prefix + "primary.url", primaryUrl);
    settings.put(prefix + "primary.username", user);
    if (password != null) {
      settings.put(prefix + "primary.password", password);
    }
    hikariSettings().forEach((key, value) -> settings.put(prefix + "primary.hikari." + key, value));
    // Replicas inherit the primary's credentials and hikari.* settings.
    settings.put(prefix + "replicas.replica1.url", replicaUrl);
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
    try (Connection c = connect()) {
      createSchema(c);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create the benchmark schema", e);
    }
  }

  /**
   * Creates the table and the sequence afresh on {@code c}, with rows 1..{@link #ROWS}; the
   * statements are the same on H2 and PostgreSQL.
   */
  static void createSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
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
    }
  }

  /**
   * Removes what the write benchmarks inserted, so every iteration starts from the same table;
   * returns how many rows that was.
   */
  static int deleteWrittenRows() {
    try (Connection c = connect()) {
      return deleteWrittenRows(c);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot clean up the benchmark table", e);
    }
  }

  /** {@link #deleteWrittenRows()} on {@code c}. */
  static int deleteWrittenRows(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      return s.executeUpdate("delete from bench_item where id > " + ROWS);
    }
  }

  /**
   * An H2 TCP server in this JVM, on a free loopback port, serving the in-memory databases of this
   * JVM: {@link #tcpUrl} reaches {@link #URL}'s database through it.
   */
  static Server tcpServer() {
    try {
      return Server.createTcpServer("-tcpPort", "0", "-ifExists").start();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot start an H2 TCP server", e);
    }
  }

  /** The benchmark database through {@code server}, over loopback TCP. */
  static String tcpUrl(Server server) {
    return "jdbc:h2:tcp://" + hostAndPort(server) + "/" + DATABASE;
  }

  /** {@code 127.0.0.1:port} of {@code server}. */
  static String hostAndPort(Server server) {
    return "127.0.0.1:" + server.getPort();
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(URL, USER, PASSWORD);
  }
}
