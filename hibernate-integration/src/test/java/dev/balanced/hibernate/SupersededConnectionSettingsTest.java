package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.BalancedConfigurationException;
import dev.balanced.spi.JdbcUrls;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.H2Nodes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.PersistenceUnitInfo;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.logging.Level;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.internal.log.DeprecationLogger;
import org.hibernate.jpa.HibernatePersistenceProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hibernate's own connection settings are ignored once Balanced provides the connections: one that
 * names another database fails startup, naming the key and what replaces it; one that names the
 * primary boots with one INFO line.
 */
class SupersededConnectionSettingsTest {
  private static final String SECRET = "s3cr3t-pw";

  private static BalancedConfigurationException failure(H2Nodes nodes, Map<String, Object> extra) {
    // Hibernate warns about the javax.* keys these tests set on purpose; keep that off the console.
    java.util.logging.Logger deprecation =
        java.util.logging.Logger.getLogger(DeprecationLogger.CATEGORY);
    Level level = deprecation.getLevel();
    deprecation.setLevel(Level.OFF);
    try {
      RuntimeException e =
          assertThrows(RuntimeException.class, () -> BalancedH2.factory(nodes, extra).close());
      return configurationException(e);
    } finally {
      deprecation.setLevel(level);
    }
  }

  private static BalancedConfigurationException configurationException(RuntimeException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof BalancedConfigurationException bce) {
        assertFalse(bce.getMessage().contains(SECRET), bce.getMessage());
        return bce;
      }
    }
    throw new AssertionError("no BalancedConfigurationException in " + e, e);
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
    }
  }

  /** An H2 database other than the primary, with a password in its URL that must never show. */
  private static String otherUrl(H2Nodes nodes) {
    return nodes.url("replica1") + ";PASSWORD=" + SECRET;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jakarta.persistence.jdbc.url",
        "javax.persistence.jdbc.url",
        "hibernate.connection.url"
      })
  void aUrlOfAnotherDatabaseFailsStartupNamingItsKey(String key) {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      assertMentions(
          failure(nodes, Map.of(key, otherUrl(nodes))),
          "'" + key + "'",
          "PASSWORD=<masked>",
          "a database other than the primary 'hibernate.balanced.primary.url' ["
              + nodes.url("primary")
              + "]",
          "give the primary's URL in 'hibernate.balanced.primary.url'");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jakarta.persistence.nonJtaDataSource",
        "jakarta.persistence.jtaDataSource",
        "javax.persistence.nonJtaDataSource",
        "javax.persistence.jtaDataSource",
        "hibernate.connection.datasource"
      })
  void aDataSourceOfAnotherDatabaseFailsStartupNamingItsKey(String key) {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      JdbcDataSource other = new JdbcDataSource();
      other.setURL(otherUrl(nodes));
      assertMentions(
          failure(nodes, Map.of(key, other)),
          "'" + key + "'",
          "[a JdbcDataSource for " + nodes.url("replica1") + ";PASSWORD=<masked>]",
          "a database other than the primary 'hibernate.balanced.primary.url'",
          "<non-jta-data-source>",
          "'hibernate.balanced.primary.hikari.<HikariCP property>'");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jakarta.persistence.jdbc.user",
        "javax.persistence.jdbc.user",
        "hibernate.connection.username",
        "jakarta.persistence.jdbc.password",
        "javax.persistence.jdbc.password",
        "hibernate.connection.password"
      })
  void credentialsOtherThanThePrimarysFailStartupNamingTheirKey(String key) {
    boolean password = key.endsWith("password");
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      assertMentions(
          failure(nodes, Map.of(key, password ? SECRET : "someone")),
          "'" + key + "'",
          password
              ? "[<masked>], not the primary's password 'hibernate.balanced.primary.password'"
              : "[someone], not the primary's username 'hibernate.balanced.primary.username' [sa]",
          "give the primary's credentials in 'hibernate.balanced.primary.username' and"
              + " 'hibernate.balanced.primary.password'");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hibernate.connection.provider_class",
        "hibernate.connection.pool_size",
        "hibernate.connection.isolation",
        "hibernate.connection.autocommit",
        "hibernate.hikari.maximumPoolSize",
        "hibernate.c3p0.max_size",
        "hibernate.agroal.maxSize"
      })
  void settingsOfHibernatesOwnPoolFailStartupNamingTheirKey(String key) {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      assertMentions(
          failure(nodes, Map.of(key, "20")),
          "Setting '" + key + "' [20] configures the connection pool Hibernate would build",
          "'hibernate.balanced.primary.hikari.<HikariCP property>'");
    }
  }

  @Test
  void secretsInSettingsOfHibernatesOwnPoolAreMasked() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      assertMentions(
          failure(nodes, Map.of("hibernate.hikari.dataSource.password", SECRET)),
          "Setting 'hibernate.hikari.dataSource.password' [<masked>]");
      assertMentions(
          failure(nodes, Map.of("hibernate.hikari.jdbcUrl", otherUrl(nodes))),
          "Setting 'hibernate.hikari.jdbcUrl' [",
          ";PASSWORD=<masked>]");
    }
  }

  @Test
  void aDataSourceWhoseDatabaseCannotBeToldFailsStartup() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      assertMentions(
          failure(nodes, Map.of("hibernate.connection.datasource", "java:comp/env/jdbc/app")),
          "'hibernate.connection.datasource'",
          "[java:comp/env/jdbc/app]",
          "whose database cannot be told");
      DataSource opaque =
          (DataSource)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {DataSource.class},
                  (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                  });
      assertMentions(
          failure(nodes, Map.of("jakarta.persistence.nonJtaDataSource", opaque)),
          "'jakarta.persistence.nonJtaDataSource'",
          "whose database cannot be told");
    }
  }

  /** Hibernate's native bootstrap passes settings as they are, without the JPA copies. */
  @Test
  void theNativeBootstrapFailsToo() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      StandardServiceRegistryBuilder registry = new StandardServiceRegistryBuilder();
      nodes.settings("hibernate.balanced.").forEach(registry::applySetting);
      registry.applySetting("hibernate.connection.url", otherUrl(nodes));
      BalancedConfigurationException e =
          configurationException(
              assertThrows(
                  RuntimeException.class,
                  () -> {
                    try (SessionFactory factory =
                        new MetadataSources(registry.build())
                            .addAnnotatedClass(Item.class)
                            .buildMetadata()
                            .buildSessionFactory()) {
                      factory.getSchemaManager();
                    }
                  }));
      assertTrue(
          e.getMessage().startsWith("Setting 'hibernate.connection.url' is ["), e.getMessage());
      assertTrue(e.getMessage().contains("would ignore it: remove it, and give"), e.getMessage());
    }
  }

  /** What Spring's and application servers' bootstrap hands over: the unit's own data source. */
  @Test
  void aPersistenceUnitDataSourceOfAnotherDatabaseFailsStartup() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1");
        HikariDataSource other = new HikariDataSource()) {
      other.setJdbcUrl(otherUrl(nodes));
      assertMentions(
          configurationException(
              assertThrows(RuntimeException.class, () -> containerFactory(nodes, other).close())),
          "'jakarta.persistence.nonJtaDataSource'",
          "[a HikariDataSource for " + nodes.url("replica1") + ";PASSWORD=<masked>]",
          "<non-jta-data-source>");
      assertNull(other.getHikariPoolMXBean(), "the pool Balanced replaces was never started");
    }
  }

  @Test
  void theSameUrlAndUserAsThePrimarysAreIgnoredWithOneInfoLine() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      // What a framework derives from the same configuration, written a little differently.
      String samePrimary = " " + nodes.url("primary").replace("jdbc:h2:", "JDBC:H2:") + " ";
      String log =
          stderrOf(
              () -> {
                EntityManagerFactory emf =
                    BalancedH2.factory(
                        nodes,
                        Map.of(
                            "hibernate.connection.url",
                            samePrimary,
                            "jakarta.persistence.jdbc.user",
                            "sa"));
                assertServesReadsFromReplica(emf);
                return null;
              });
      List<String> lines = configLines(log);
      assertEquals(1, lines.size(), log);
      assertMentions(
          new Exception(lines.get(0)),
          "INFO dev.balanced.config - Ignoring ",
          "'hibernate.connection.url'",
          "'jakarta.persistence.jdbc.user'",
          "[sa]",
          "the same as the primary's 'hibernate.balanced.primary.*'",
          "its own pools");
    }
  }

  @Test
  void aPersistenceUnitDataSourceOfThePrimaryIsIgnoredWithOneInfoLine() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1");
        HikariDataSource primary = new HikariDataSource()) {
      primary.setJdbcUrl(nodes.url("primary"));
      String log =
          stderrOf(
              () -> {
                assertServesReadsFromReplica(containerFactory(nodes, primary));
                return null;
              });
      List<String> lines = configLines(log);
      assertEquals(1, lines.size(), log);
      assertMentions(
          new Exception(lines.get(0)),
          "'jakarta.persistence.nonJtaDataSource'",
          "'hibernate.connection.datasource'",
          "[a HikariDataSource for " + nodes.url("primary") + "]");
      assertNull(primary.getHikariPoolMXBean(), "the pool Balanced replaces was never started");
    }
  }

  /** Only what cannot change the database: blanks, the case of scheme and host, a final '/'. */
  @Test
  void urlsNameTheSameDatabaseAfterTrivialNormalisationOnly() {
    String url = "jdbc:postgresql://db-primary:5432/app";
    assertTrue(JdbcUrls.sameDatabase(url, " JDBC:PostgreSQL://DB-Primary:5432/app/\n"));
    assertFalse(JdbcUrls.sameDatabase(url, "jdbc:postgresql://db-primary:5432/App"));
    assertFalse(JdbcUrls.sameDatabase(url, "jdbc:postgresql://db-primary/app"), "default port");
    assertFalse(JdbcUrls.sameDatabase(url, url + "?currentSchema=other"));
    assertFalse(
        JdbcUrls.sameDatabase(
            "jdbc:sqlserver://db:1433;databaseName=app",
            "jdbc:sqlserver://db:1433;databaseName=b"));
    assertFalse(JdbcUrls.sameDatabase(url, null));
  }

  private static void assertServesReadsFromReplica(EntityManagerFactory emf) {
    try (emf;
        EntityManager em = emf.createEntityManager()) {
      assertEquals("item-1@replica1", em.find(Item.class, 1L).getName());
    }
  }

  private static List<String> configLines(String log) {
    return Arrays.stream(log.split("\\R")).filter(l -> l.contains("dev.balanced.config")).toList();
  }

  /** What {@code work} logs. */
  private static String stderrOf(Supplier<Void> work) {
    try (CapturedLog log = CapturedLog.start()) {
      work.get();
      return log.text();
    }
  }

  private static EntityManagerFactory containerFactory(H2Nodes nodes, DataSource dataSource) {
    Properties properties = new Properties();
    properties.putAll(nodes.settings("hibernate.balanced."));
    properties.put("hibernate.cache.use_second_level_cache", "false");
    return new HibernatePersistenceProvider()
        .createContainerEntityManagerFactory(unit(properties, dataSource), Map.of());
  }

  /** A minimal PersistenceUnitInfo with a non-JTA data source, as Spring hands over. */
  private static PersistenceUnitInfo unit(Properties properties, DataSource dataSource) {
    ClassLoader loader = SupersededConnectionSettingsTest.class.getClassLoader();
    return (PersistenceUnitInfo)
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {PersistenceUnitInfo.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getPersistenceUnitName" -> "superseded-test";
                  case "getPersistenceProviderClassName" ->
                      HibernatePersistenceProvider.class.getName();
                  case "getManagedClassNames" -> List.of(Item.class.getName());
                  case "excludeUnlistedClasses" -> true;
                  case "getProperties" -> properties;
                  case "getNonJtaDataSource" -> dataSource;
                  case "getClassLoader", "getNewTempClassLoader" -> loader;
                  case "getSharedCacheMode" -> SharedCacheMode.NONE;
                  case "getValidationMode" -> ValidationMode.NONE;
                  case "getPersistenceXMLSchemaVersion" -> "3.2";
                  case "getMappingFileNames", "getJarFileUrls", "getQualifierAnnotationNames" ->
                      List.of();
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "PersistenceUnitInfo[superseded-test]";
                  default -> null;
                });
  }
}
