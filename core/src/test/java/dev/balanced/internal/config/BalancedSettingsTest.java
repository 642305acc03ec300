package dev.balanced.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.PinningMode;
import dev.balanced.spi.FunctionName;
import dev.balanced.spi.SelectorKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing and validation of the {@code balanced.*} settings, without starting any pool. */
class BalancedSettingsTest {
  private static final String PREFIX = "balanced.";
  private static final String PASSWORD = "s3cr3t-pw";

  /** A valid configuration: a primary with credentials and one replica {@code r1}. */
  private static Map<String, Object> valid() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("balanced.primary.url", "jdbc:h2:mem:primary");
    settings.put("balanced.primary.username", "app");
    settings.put("balanced.primary.password", PASSWORD);
    settings.put("balanced.replicas.r1.url", "jdbc:h2:mem:r1");
    return settings;
  }

  private static Map<String, Object> validWith(Object... keysAndValues) {
    Map<String, Object> settings = valid();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      settings.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return settings;
  }

  private static BalancedSettings parse(Map<String, Object> settings) {
    return BalancedSettings.parse(settings, PREFIX);
  }

  /** Parsing fails; the message never shows the password. */
  private static String failure(Map<String, Object> settings) {
    BalancedConfigurationException e =
        assertThrows(BalancedConfigurationException.class, () -> parse(settings));
    assertFalse(e.getMessage().contains(PASSWORD), "password leaked: " + e.getMessage());
    return e.getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' missing from: " + message);
    }
  }

  @Test
  void defaults() {
    BalancedSettings settings = parse(valid());
    assertTrue(settings.enabled());
    assertEquals(PinningMode.GREEDY, settings.mode());
    assertEquals(SelectorKind.RANDOM, settings.selector());
    assertFalse(settings.primaryServesReads());
    assertEquals(10, settings.replicaRetrySeconds());
    assertEquals("jdbc:h2:mem:primary", settings.primary().url());
    assertEquals(1, settings.primary().weight());
    assertEquals(List.of("r1"), settings.replicas().stream().map(NodeSettings::name).toList());
  }

  @Test
  void globalSettingsAreParsedCaseInsensitively() {
    BalancedSettings settings =
        parse(
            validWith(
                "balanced.enabled", "FALSE",
                "balanced.mode", "Strict",
                "balanced.replica_selector", "ROUND_ROBIN",
                "balanced.primary.serves_reads", "true"));
    assertFalse(settings.enabled());
    assertEquals(PinningMode.STRICT, settings.mode());
    assertEquals(SelectorKind.ROUND_ROBIN, settings.selector());
    assertTrue(settings.primaryServesReads());
  }

  @Test
  void keysOutsideThePrefixAndNullValuesAreIgnored() {
    BalancedSettings settings =
        parse(
            validWith(
                "hibernate.balanced.mdoe", "whatever",
                "balancedx.mode", "whatever",
                "balanced.mode", null));
    assertEquals(PinningMode.GREEDY, settings.mode());
  }

  @Test
  void nonStringValuesAreAccepted() {
    BalancedSettings settings =
        parse(validWith("balanced.replicas.r1.weight", 5, "balanced.enabled", Boolean.TRUE));
    assertEquals(5, settings.replicas().get(0).weight());
  }

  @Test
  void missingPrimaryUrl() {
    Map<String, Object> settings = valid();
    settings.remove("balanced.primary.url");
    assertMentions(failure(settings), "Missing setting", "'balanced.primary.url'", "JDBC URL");
  }

  @Test
  void blankPrimaryUrl() {
    assertMentions(failure(validWith("balanced.primary.url", "  ")), "'balanced.primary.url'");
  }

  @Test
  void unknownMode() {
    assertMentions(
        failure(validWith("balanced.mode", "lenient")),
        "'balanced.mode'",
        "[lenient]",
        "expected one of greedy | strict");
  }

  @Test
  void unknownReplicaSelector() {
    assertMentions(
        failure(validWith("balanced.replica_selector", "fastest")),
        "'balanced.replica_selector'",
        "[fastest]",
        "random | round_robin | weighted");
  }

  @Test
  void nonBooleanEnabled() {
    assertMentions(
        failure(validWith("balanced.enabled", "yes")),
        "'balanced.enabled'",
        "[yes]",
        "true or false");
  }

  @Test
  void nonNumericWeight() {
    assertMentions(
        failure(validWith("balanced.replicas.r1.weight", "heavy")),
        "'balanced.replicas.r1.weight'",
        "[heavy]",
        "a whole number >= 0");
  }

  @Test
  void replicaRetryOfZeroSeconds() {
    assertMentions(
        failure(validWith("balanced.replica_retry_seconds", "0")),
        "'balanced.replica_retry_seconds'",
        "[0]",
        "a whole number >= 1");
  }

  @Test
  void negativeWeight() {
    assertMentions(
        failure(validWith("balanced.replicas.r1.weight", "-1")),
        "'balanced.replicas.r1.weight'",
        "[-1]",
        "a whole number >= 0");
  }

  @Test
  void invalidPrimaryWeight() {
    assertMentions(
        failure(validWith("balanced.primary.weight", "1.5")), "'balanced.primary.weight'", "[1.5]");
  }

  @Test
  void allReadWeightsZeroUnderWeightedSelection() {
    assertMentions(
        failure(
            validWith("balanced.replica_selector", "weighted", "balanced.replicas.r1.weight", "0")),
        "balanced.replica_selector=weighted",
        "weight 0");
  }

  @Test
  void zeroWeightIsFineWhenAnotherReadNodeHasWeight() {
    BalancedSettings settings =
        parse(
            validWith(
                "balanced.replica_selector", "weighted",
                "balanced.replicas.r1.weight", "0",
                "balanced.replicas.r2.url", "jdbc:h2:mem:r2",
                "balanced.replicas.r2.weight", "3"));
    assertEquals(0, settings.replicas().get(0).weight());
    assertEquals(3, settings.replicas().get(1).weight());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "balanced.mdoe",
        "balanced.replica-selector",
        "balanced.primary.uri",
        "balanced.primary.hikari.",
        "balanced.replicas.r1.serves_reads",
        "balanced.replicas.r1",
        "balanced.replicas..url",
        "balanced.replica.r1.url"
      })
  void unknownKey(String key) {
    String message = failure(validWith(key, "strict-ish"));
    assertMentions(
        message,
        "Unknown setting '" + key + "'",
        "balanced.{consistency, enabled, listeners, lsn_refresh_ms, lsn_wait_ms, max_replica_lag_ms, metrics, mode, pin_seconds, primary.serves_reads, primary_down_reads, replica_lag_check_ms, replica_retry_seconds, replica_selector, token_secret, token_ttl_seconds, topology, topology_check_ms, write_functions}",
        "balanced.replicas.<name>.{url, username, password, weight, hikari.<HikariCP property>}",
        "or (topology=discover) balanced.nodes.<name>.{url, username, password, weight,");
    assertFalse(
        message.contains("strict-ish"), "a misspelt key's value may be a secret: " + message);
  }

  @Test
  void replicaWithoutUrl() {
    assertMentions(
        failure(validWith("balanced.replicas.r2.username", "reader")),
        "Missing setting 'balanced.replicas.r2.url'",
        "[r2]");
  }

  @Test
  void replicaWithBlankUrl() {
    assertMentions(
        failure(validWith("balanced.replicas.r1.url", "")), "'balanced.replicas.r1.url'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"primary", "master", "Primary", "MASTER"})
  void replicaNamesThatMeanThePrimaryAreRefused(String name) {
    assertMentions(
        failure(validWith("balanced.replicas." + name + ".url", "jdbc:h2:mem:x")),
        "Illegal replica name [" + name + "]",
        "'balanced.replicas." + name + ".*'",
        "'primary' and 'master' name the primary");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1abc", "_r", "-r", "r!", "r@2"})
  void malformedReplicaNamesAreRefused(String name) {
    assertMentions(
        failure(validWith("balanced.replicas." + name + ".url", "jdbc:h2:mem:x")),
        "Illegal replica name [" + name + "]",
        "expected a letter followed by letters, digits, '_' or '-'");
  }

  @Test
  void dottedReplicaNameIsAnUnknownKey() {
    // "a.b" cannot be a name: the first dot ends it, leaving the unknown node key "b.url".
    assertMentions(
        failure(validWith("balanced.replicas.a.b.url", "jdbc:h2:mem:x")),
        "Unknown setting 'balanced.replicas.a.b.url'");
  }

  @Test
  void replicaNamesMayUseLettersDigitsUnderscoresAndDashes() {
    BalancedSettings settings =
        parse(validWith("balanced.replicas.eu-west_2.url", "jdbc:h2:mem:x"));
    assertTrue(settings.replicas().stream().anyMatch(r -> r.name().equals("eu-west_2")));
  }

  @Test
  void replicaNamesDifferingOnlyByCaseAreRefused() {
    assertMentions(
        failure(validWith("balanced.replicas.R1.url", "jdbc:h2:mem:x")),
        "Duplicate replica name",
        "[R1]",
        "[r1]",
        "regardless of case");
  }

  @Test
  void replicasInheritThePrimaryCredentialsAndHikariSettings() {
    BalancedSettings settings =
        parse(
            validWith(
                "balanced.primary.hikari.maximumPoolSize", "7",
                "balanced.primary.hikari.connectionTimeout", "5000"));
    NodeSettings replica = settings.replicas().get(0);
    assertEquals("r1", replica.name());
    assertEquals("jdbc:h2:mem:r1", replica.url());
    assertEquals("app", replica.username());
    assertEquals(PASSWORD, replica.password());
    assertEquals("7", replica.hikari().getProperty("maximumPoolSize"));
    assertEquals("5000", replica.hikari().getProperty("connectionTimeout"));
    assertEquals("balanced.replicas.r1.", replica.keyPrefix());
  }

  @Test
  void replicasOverrideWhatTheySet() {
    BalancedSettings settings =
        parse(
            validWith(
                "balanced.primary.hikari.maximumPoolSize", "7",
                "balanced.primary.hikari.connectionTimeout", "5000",
                "balanced.replicas.r1.username", "reader",
                "balanced.replicas.r1.password", "other-pw",
                "balanced.replicas.r1.hikari.maximumPoolSize", "20"));
    NodeSettings replica = settings.replicas().get(0);
    assertEquals("reader", replica.username());
    assertEquals("other-pw", replica.password());
    assertEquals("20", replica.hikari().getProperty("maximumPoolSize"));
    assertEquals(
        "5000", replica.hikari().getProperty("connectionTimeout"), "the rest is inherited");

    NodeSettings primary = settings.primary();
    assertEquals("app", primary.username());
    assertEquals("7", primary.hikari().getProperty("maximumPoolSize"), "the primary is untouched");
  }

  @Test
  void primaryWithoutCredentialsLeavesThemUnset() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("balanced.primary.url", "jdbc:h2:mem:primary");
    settings.put("balanced.replicas.r1.url", "jdbc:h2:mem:r1");
    BalancedSettings parsed = parse(settings);
    assertNull(parsed.primary().username());
    assertNull(parsed.replicas().get(0).password());
  }

  @Test
  void thePasswordNeverAppearsInMessagesOfOtherBadSettings() {
    List<Map<String, Object>> broken =
        List.of(
            validWith("balanced.mode", "bogus"),
            validWith("balanced.mdoe", "strict"),
            validWith("balanced.replicas.r1.weight", "x"),
            validWith("balanced.replicas.r2.password", PASSWORD),
            validWith("balanced.replicas.1x.password", PASSWORD));
    for (Map<String, Object> settings : broken) {
      failure(settings);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "balanced.primary.passwd",
        "balanced.primary.pasword",
        "balanced.primary.pwd",
        "balanced.primary.Password ",
        "balanced.replicas.r1.pass",
        "balanced.secret"
      })
  void aPasswordUnderAMisspeltKeyIsNeverShown(String key) {
    // failure() checks that the password is not in the message.
    assertMentions(failure(validWith(key, PASSWORD)), "Unknown setting '" + key + "'");
  }

  @Test
  void nodeSettingsNeverShowThePasswordOrUrlCredentials() {
    BalancedSettings settings =
        parse(
            validWith("balanced.replicas.r1.url", "jdbc:postgresql://db/app?password=" + PASSWORD));
    assertFalse(settings.toString().contains(PASSWORD), settings.toString());
    assertFalse(settings.replicas().get(0).toString().contains(PASSWORD));
  }

  @Test
  void noWriteFunctionsByDefault() {
    assertEquals(List.of(), parse(valid()).writeFunctions());
    assertEquals(List.of(), parse(validWith("balanced.write_functions", " ")).writeFunctions());
  }

  @Test
  void writeFunctionsAreNamesWithAnOptionalSchema() {
    BalancedSettings settings =
        parse(
            validWith(
                "balanced.write_functions",
                " archive_order, app.bump_counter ,\"Odd Name\", \"App\" . \"x.y\",_f$2"));
    assertEquals(
        List.of(
            new FunctionName(null, "archive_order"),
            new FunctionName("app", "bump_counter"),
            new FunctionName(null, "Odd Name"),
            new FunctionName("App", "x.y"),
            new FunctionName(null, "_f$2")),
        settings.writeFunctions());
  }

  @ParameterizedTest(name = "[{0}]: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "archive_order,,app.bump_counter | empty name at position 15",
        "archive_order, | empty name at position 15",
        ",archive_order | empty name at position 1",
        "archive-order | illegal character '-' in [archive-order]",
        "archive_order(bigint) | illegal character '(' in [archive_order(bigint)]: give names only",
        "app.archive.order | too many dots in [app.archive.order]",
        "app. | a name is missing in [app.]",
        "1archive | illegal character '1' in [1archive]",
        "\"Odd Name | unclosed '\"' in [\"Odd Name]",
        "\"\" | empty quoted name in [\"\"]",
        "archive order | a space inside [archive order]: separate names with commas",
      })
  void malformedWriteFunctionsAreRefusedSayingWhatIsWrong(String value, String problem) {
    assertMentions(
        failure(validWith("balanced.write_functions", value)),
        "Invalid value [" + value + "] for setting 'balanced.write_functions'",
        "expected comma-separated function names",
        problem);
  }

  // ---- topology=discover -----------------------------------------------------------------------

  private static Map<String, Object> discovering() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("balanced.topology", "discover");
    settings.put("balanced.nodes.username", "app");
    settings.put("balanced.nodes.password", PASSWORD);
    settings.put("balanced.nodes.hikari.maximumPoolSize", "7");
    settings.put("balanced.nodes.db2.url", "jdbc:postgresql://db2:5432/app");
    settings.put("balanced.nodes.db1.url", "jdbc:postgresql://db1:5432/app");
    settings.put("balanced.nodes.db1.username", "other");
    return settings;
  }

  @Test
  void discoveredNodesInheritWhatTheyShareAndEveryOneIsAReadNode() {
    Map<String, Object> raw = discovering();
    raw.put("balanced.primary.serves_reads", "true"); // global, not the primary's node settings
    BalancedSettings settings = parse(raw);
    assertEquals(dev.balanced.spi.TopologyMode.DISCOVER, settings.topology());
    assertTrue(settings.primaryServesReads());
    assertEquals(2000, settings.topologyCheckMs());
    assertEquals(
        java.util.List.of("db1", "db2"),
        settings.replicas().stream().map(NodeSettings::name).toList());
    NodeSettings db1 = settings.replicas().get(0);
    NodeSettings db2 = settings.replicas().get(1);
    assertEquals("other", db1.username());
    assertEquals("app", db2.username());
    assertEquals(PASSWORD, db2.password());
    assertEquals("7", db2.hikari().getProperty("maximumPoolSize"));
    assertEquals("primary", settings.primary().name(), "the primary is whichever node is it");
  }

  @Test
  void discoverTakesNoPrimaryOrReplicaSettings() {
    Map<String, Object> settings = discovering();
    settings.put("balanced.primary.url", "jdbc:postgresql://db1:5432/app");
    assertMentions(
        failure(settings),
        "Setting 'balanced.primary.url' does not apply with topology=discover",
        "balanced.nodes.<name>.*");
  }

  @Test
  void staticTakesNoNodeSettings() {
    assertMentions(
        failure(validWith("balanced.nodes.db1.url", "jdbc:h2:mem:x")),
        "Setting 'balanced.nodes.db1.url' does not apply with topology=static",
        "balanced.topology=discover with balanced.nodes.<name>.*");
  }

  @Test
  void discoverNeedsNodesAndPostgreSql() {
    Map<String, Object> none = new LinkedHashMap<>();
    none.put("balanced.topology", "discover");
    assertMentions(failure(none), "Missing settings 'balanced.nodes.<name>.url'");

    Map<String, Object> h2 = discovering();
    h2.put("balanced.nodes.db3.url", "jdbc:h2:mem:db3");
    assertMentions(
        failure(h2),
        "Invalid value [jdbc:h2:mem:db3] for setting 'balanced.nodes.db3.url'",
        "expected a jdbc:postgresql: URL, or topology=static");

    Map<String, Object> primaryName = discovering();
    primaryName.put("balanced.nodes.primary.url", "jdbc:postgresql://db3:5432/app");
    assertMentions(failure(primaryName), "Illegal node name [primary]");

    Map<String, Object> urlForAll = discovering();
    urlForAll.put("balanced.nodes.url", "jdbc:postgresql://db3:5432/app");
    assertMentions(failure(urlForAll), "Unknown setting 'balanced.nodes.url'");
  }
}
