package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.H2Nodes;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.junit.jupiter.api.Test;

/** Bad configuration fails at startup, through Hibernate, with a message that says what to fix. */
class ConfigurationTest {

  /** HikariCP logs an ERROR for a property it cannot set: the password is not in that either. */
  private static BalancedConfigurationException failure(Map<String, Object> settings) {
    try (H2Nodes nodes = H2Nodes.start("replica1");
        CapturedLog log = CapturedLog.start()) {
      Map<String, Object> all = new HashMap<>(nodes.settings("hibernate.balanced."));
      all.put("hibernate.balanced.primary.password", "s3cr3t-pw");
      all.putAll(settings);
      BalancedConfigurationException e =
          configurationException(
              assertThrows(RuntimeException.class, () -> BalancedH2.factory(nodes, all).close()));
      log.assertNotLogged("s3cr3t-pw");
      return e;
    }
  }

  /**
   * Startup of Hibernate on a connection of its own ({@code hibernate.connection.url}) with {@code
   * balanced} settings besides: a setup that ran on that connection alone before.
   */
  private static BalancedConfigurationException failureBesidesOwnConnection(
      H2Nodes nodes, Map<String, Object> balanced) {
    HibernatePersistenceConfiguration configuration = BalancedH2.withOwnConnection(nodes);
    balanced.forEach(configuration::property);
    return configurationException(
        assertThrows(
            RuntimeException.class, () -> configuration.createEntityManagerFactory().close()));
  }

  private static BalancedConfigurationException configurationException(RuntimeException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof BalancedConfigurationException bce) {
        assertFalse(bce.getMessage().contains("s3cr3t-pw"), bce.getMessage());
        return bce;
      }
    }
    throw new AssertionError("no BalancedConfigurationException in " + e, e);
  }

  private static void assertMentions(BalancedConfigurationException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
    }
  }

  @Test
  void aTypoInAKeyIsRejected() {
    assertMentions(
        failure(Map.of("hibernate.balanced.mdoe", "strict")),
        "hibernate.balanced.mdoe",
        "hibernate.balanced.{consistency, enabled, listeners, lsn_refresh_ms, lsn_wait_ms,");
  }

  /**
   * Balanced settings without the primary URL are a mistake, not a wish to run without Balanced:
   * the application would run on its own connection alone and never say so.
   */
  @Test
  void aMisspeltPrimaryUrlIsRejectedNotIgnored() {
    try (H2Nodes nodes = H2Nodes.start("replica1")) {
      assertMentions(
          failureBesidesOwnConnection(
              nodes,
              Map.of(
                  "hibernate.balanced.primary.ulr", nodes.url("primary"),
                  "hibernate.balanced.replicas.replica1.url", nodes.url("replica1"))),
          "Unknown setting 'hibernate.balanced.primary.ulr'");
    }
  }

  @Test
  void replicasWithoutAPrimaryUrlAreRejected() {
    try (H2Nodes nodes = H2Nodes.start("replica1")) {
      assertMentions(
          failureBesidesOwnConnection(
              nodes, Map.of("hibernate.balanced.replicas.replica1.url", nodes.url("replica1"))),
          "Missing setting 'hibernate.balanced.primary.url'",
          "JDBC URL of the primary");
    }
  }

  @Test
  void anUnknownModeIsRejected() {
    assertMentions(
        failure(Map.of("hibernate.balanced.mode", "eager")),
        "hibernate.balanced.mode",
        "[eager]",
        "greedy | strict");
  }

  @Test
  void anUnknownSelectorIsRejected() {
    assertMentions(
        failure(Map.of("hibernate.balanced.replica_selector", "fastest")),
        "hibernate.balanced.replica_selector",
        "[fastest]",
        "random | round_robin | weighted");
  }

  @Test
  void badWeightsAreRejected() {
    assertMentions(
        failure(Map.of("hibernate.balanced.replicas.replica1.weight", "heavy")),
        "hibernate.balanced.replicas.replica1.weight",
        "[heavy]",
        ">= 0");
    assertMentions(
        failure(Map.of("hibernate.balanced.replicas.replica1.weight", "-1")),
        "hibernate.balanced.replicas.replica1.weight",
        "[-1]");
  }

  @Test
  void aReplicaWithoutUrlIsRejected() {
    assertMentions(
        failure(Map.of("hibernate.balanced.replicas.replica9.weight", "2")),
        "hibernate.balanced.replicas.replica9.url",
        "replica9");
  }

  @Test
  void illegalAndDuplicateNamesAreRejected() {
    assertMentions(
        failure(Map.of("hibernate.balanced.replicas.master.url", "jdbc:h2:mem:x")),
        "[master]",
        "name the primary");
    assertMentions(
        failure(Map.of("hibernate.balanced.replicas.Replica1.url", "jdbc:h2:mem:x")),
        "Duplicate replica names",
        "[Replica1]",
        "[replica1]");
  }

  @Test
  void aBadHikariPropertyIsRejected() {
    assertMentions(
        failure(Map.of("hibernate.balanced.primary.hikari.maximumPoolSise", "3")),
        "Unknown HikariCP setting 'hibernate.balanced.primary.hikari.maximumPoolSise'",
        "expected the name of a HikariConfig property");
    assertMentions(
        failure(Map.of("hibernate.balanced.primary.hikari.maximumPoolSize", "many")),
        "hibernate.balanced.primary.hikari.maximumPoolSize",
        "[many]",
        "NumberFormatException");
  }

  @Test
  void aConflictingMultiTenancySettingIsRejected() {
    assertMentions(
        failure(Map.of("hibernate.multi_tenant_connection_provider", "com.example.Mine")),
        "hibernate.multi_tenant_connection_provider");
  }

  @Test
  void passwordsAreMaskedWhereTheirKeyIsNamed() {
    BalancedConfigurationException e =
        failure(Map.of("hibernate.balanced.replicas.replica1.passwrod", "other-s3cr3t"));
    assertMentions(e, "hibernate.balanced.replicas.replica1.passwrod");
    assertNotNull(e.getMessage());
    assertFalse(e.getMessage().contains("other-s3cr3t"), e.getMessage());
  }
}
