package dev.balanced;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.H2Nodes;
import dev.balanced.testing.Pools;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link BalancedDataSource#fromProperties}: settings down to the HikariCP pools. */
class DataSourceConfigurationTest {
  private static final String PASSWORD = "s3cr3t-pw";

  private H2Nodes nodes;

  @BeforeEach
  void startNodes() {
    nodes = H2Nodes.start("r1");
    // The nodes accept the test password, so the only problem in each test is the one it makes.
    for (String node : new String[] {"primary", "r1"}) {
      nodes.execute(node, "create user app password '" + PASSWORD + "' admin");
    }
  }

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  private Map<String, Object> settings(Object... keysAndValues) {
    Map<String, Object> settings = new LinkedHashMap<>(nodes.settings("balanced."));
    settings.put("balanced.primary.username", "app");
    settings.put("balanced.primary.password", PASSWORD);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      settings.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return settings;
  }

  /**
   * Starting fails; no message in the cause chain, and nothing logged on the way (HikariCP logs an
   * ERROR for a property it cannot set), shows the password.
   */
  private static String failure(Map<String, Object> settings) {
    BalancedConfigurationException e;
    try (CapturedLog log = CapturedLog.start()) {
      e =
          assertThrows(
              BalancedConfigurationException.class,
              () -> BalancedDataSource.fromProperties(settings));
      log.assertNotLogged(PASSWORD);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(
          String.valueOf(t.getMessage()).contains(PASSWORD), "password leaked: " + t.getMessage());
    }
    return e.getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' missing from: " + message);
    }
  }

  @Test
  void validSettingsStartAWorkingDataSource() throws Exception {
    try (BalancedDataSource dataSource = BalancedDataSource.fromProperties(settings())) {
      try (Connection connection = dataSource.getConnection()) {
        assertEquals("r1", Queries.servedBy(connection), "the replica uses the inherited login");
      }
      Pools.assertNoneActive(dataSource.router());
    }
  }

  @Test
  void propertiesObjectsAreAccepted() throws Exception {
    Properties properties = new Properties();
    settings().forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
    properties.setProperty("unrelated.key", "ignored");
    try (BalancedDataSource dataSource = BalancedDataSource.fromProperties(properties)) {
      try (Connection connection = dataSource.getConnection()) {
        assertEquals("r1", Queries.servedBy(connection));
      }
      Pools.assertNoneActive(dataSource.router());
    }
  }

  @Test
  void hikariSettingsReachThePools() throws Exception {
    try (BalancedDataSource dataSource =
        BalancedDataSource.fromProperties(
            settings(
                "balanced.primary.hikari.maximumPoolSize", "3",
                "balanced.replicas.r1.hikari.maximumPoolSize", "5"))) {
      var topology = dataSource.router().topology();
      assertEquals(3, topology.primary().pool().getMaximumPoolSize());
      assertEquals(5, topology.node("r1").pool().getMaximumPoolSize());
      assertEquals(0, topology.node("r1").pool().getMinimumIdle(), "inherited from the primary");
      assertEquals("app", topology.node("r1").pool().getUsername(), "inherited from the primary");
    }
  }

  @Test
  void badHikariPropertyName() {
    assertMentions(
        failure(settings("balanced.primary.hikari.maximumPoolSiz", "4")),
        "Unknown HikariCP setting 'balanced.primary.hikari.maximumPoolSiz'",
        "expected the name of a HikariConfig property");
  }

  @Test
  void badHikariValue() {
    assertMentions(
        failure(settings("balanced.primary.hikari.maximumPoolSize", "abc")),
        "'balanced.primary.hikari.maximumPoolSize'",
        "[abc]",
        "expected a value of the property's type",
        "NumberFormatException");
  }

  @Test
  void badHikariValueOfAReplicaNamesTheReplicaKey() {
    assertMentions(
        failure(settings("balanced.replicas.r1.hikari.connectionTimeout", "soon")),
        "'balanced.replicas.r1.hikari.connectionTimeout'",
        "[soon]");
  }

  @Test
  void aPasswordUnderAMisspeltHikariPropertyIsNotShown() {
    // failure() checks that the password is in no message of the cause chain.
    assertMentions(
        failure(settings("balanced.primary.hikari.passwd", PASSWORD)),
        "'balanced.primary.hikari.passwd'");
    assertMentions(
        failure(settings("balanced.primary.hikari.pasword", PASSWORD)),
        "'balanced.primary.hikari.pasword'");
  }

  @Test
  void aPasswordGivenAsAHikariPropertyIsMasked() {
    assertMentions(
        failure(
            settings(
                "balanced.primary.hikari.password",
                PASSWORD,
                "balanced.primary.hikari.maximumPoolSize",
                "many")),
        "'balanced.primary.hikari.maximumPoolSize'",
        "[many]");
  }

  @Test
  void passwordInTheUrlIsMaskedWhenThePoolCannotStart() {
    String message =
        failure(
            settings(
                "balanced.primary.url",
                "jdbc:h2:mem:missing-"
                    + System.nanoTime()
                    + ";IFEXISTS=TRUE;PASSWORD="
                    + PASSWORD));
    assertMentions(
        message, "Cannot start the connection pool of node [primary]", "'balanced.primary.*'");
  }

  @Test
  void urlOfAnUnknownDriverIsMasked() {
    assertMentions(
        failure(
            settings("balanced.replicas.r1.url", "jdbc:nosuchdb://db/app?password=" + PASSWORD)),
        "[r1]",
        "password=<masked>");
  }

  @Test
  void settingsErrorsAreReportedBeforeAnyPoolStarts() {
    assertMentions(
        failure(settings("balanced.mode", "bogus")),
        "'balanced.mode'",
        "[bogus]",
        "greedy | strict");
    assertMentions(failure(settings("balanced.mdoe", "strict")), "Unknown setting 'balanced.mdoe'");
  }

  @Test
  void aLagLimitNeedsAPostgresqlOrMariaDbPrimary() {
    assertMentions(
        failure(settings("balanced.max_replica_lag_ms", "5000")),
        "'balanced.max_replica_lag_ms'",
        "[5000]",
        "PostgreSQL",
        "MariaDB",
        "'balanced.primary.url'",
        "or 0 (no lag limit)");
  }

  @Test
  void lagSettingsOutOfRangeAreRefused() {
    assertMentions(
        failure(settings("balanced.max_replica_lag_ms", "-1")),
        "'balanced.max_replica_lag_ms'",
        "[-1]");
    assertMentions(
        failure(settings("balanced.replica_lag_check_ms", "5")),
        "'balanced.replica_lag_check_ms'",
        "[5]");
  }
}
