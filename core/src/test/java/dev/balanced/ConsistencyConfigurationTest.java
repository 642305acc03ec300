package dev.balanced;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.config.ConsistencySettings;
import dev.balanced.spi.Consistency;
import dev.balanced.testing.H2Nodes;
import dev.balanced.testing.Pools;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The consistency settings ({@code consistency}, {@code pin_seconds}, {@code lsn_wait_ms}, {@code
 * lsn_refresh_ms}, {@code token_ttl_seconds}, {@code token_secret}) as {@link
 * BalancedDataSource#fromProperties} validates them: every refusal names the key, and no message
 * shows the secret.
 */
class ConsistencyConfigurationTest {
  private static final String SECRET = "a-test-secret-that-is-long-enough-0123456789";

  private H2Nodes nodes;

  @BeforeEach
  void startNodes() {
    nodes = H2Nodes.start("r1");
  }

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  private Map<String, Object> settings(Object... keysAndValues) {
    Map<String, Object> settings = new LinkedHashMap<>(nodes.settings("balanced."));
    for (int i = 0; i < keysAndValues.length; i += 2) {
      settings.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return settings;
  }

  /** Starting fails; no message in the cause chain shows {@code secret}. */
  private static String failure(Map<String, Object> settings, String secret) {
    BalancedConfigurationException e =
        assertThrows(
            BalancedConfigurationException.class,
            () -> BalancedDataSource.fromProperties(settings));
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(
          String.valueOf(t.getMessage()).contains(secret), "secret leaked: " + t.getMessage());
    }
    return e.getMessage();
  }

  private static String failure(Map<String, Object> settings) {
    return failure(settings, SECRET);
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' missing from: " + message);
    }
  }

  /** The data source starts and serves a read. */
  private static void assertStarts(Map<String, Object> settings) throws Exception {
    try (BalancedDataSource dataSource = BalancedDataSource.fromProperties(settings)) {
      try (Connection connection = dataSource.getConnection()) {
        assertEquals("r1", Queries.servedBy(connection));
      }
      Pools.assertNoneActive(dataSource.router());
    }
  }

  // ---- token_secret -------------------------------------------------------------------------

  @Test
  void timeModeWithoutASecretIsRefused() {
    String message = failure(settings("balanced.consistency", "time"));
    assertMentions(message, "balanced.token_secret", "balanced.consistency=time");
  }

  @Test
  void lsnModeWithoutASecretIsRefused() {
    String message = failure(settings("balanced.consistency", "lsn"));
    assertMentions(message, "balanced.token_secret", "balanced.consistency=lsn");
  }

  @Test
  void aShortSecretIsRefusedWithoutShowingIt() {
    String shortSecret = "only-31-characters-long-secret!";
    assertEquals(31, shortSecret.length());
    String message =
        failure(
            settings("balanced.consistency", "time", "balanced.token_secret", shortSecret),
            shortSecret);
    assertMentions(message, "balanced.token_secret", "at least 32 characters");
  }

  @Test
  void aBlankSecretIsRefusedWithoutShowingIt() {
    String blank = "      ";
    String message =
        failure(settings("balanced.consistency", "time", "balanced.token_secret", blank), blank);
    assertMentions(message, "balanced.token_secret");
  }

  @Test
  void aSecretOfExactly32CharactersIsAccepted() throws Exception {
    String secret = "x".repeat(32);
    assertStarts(settings("balanced.consistency", "time", "balanced.token_secret", secret));
  }

  @Test
  void sessionModeIgnoresTheSecret() throws Exception {
    // Neither a short secret nor a missing one matters in session mode, the default.
    assertStarts(settings("balanced.token_secret", "short"));
    assertStarts(settings("balanced.consistency", "session", "balanced.token_secret", "short"));
    assertStarts(settings("balanced.consistency", "session"));
    BalancedSettings parsed =
        BalancedSettings.parse(
            settings("balanced.consistency", "session", "balanced.token_secret", SECRET),
            "balanced.");
    assertEquals(Consistency.SESSION, parsed.consistency().mode());
    assertNull(parsed.consistency().tokenSecret(), "not kept where it is not used");
  }

  @Test
  void theSecretIsNeverPrinted() {
    ConsistencySettings consistency =
        BalancedSettings.parse(
                settings("balanced.consistency", "time", "balanced.token_secret", SECRET),
                "balanced.")
            .consistency();
    assertEquals(SECRET, consistency.tokenSecret());
    assertFalse(consistency.toString().contains(SECRET), consistency.toString());
  }

  // ---- consistency ----------------------------------------------------------------------------

  @Test
  void positionModeNeedsAPostgresqlOrMariaDbPrimary() {
    for (String mode : new String[] {"lsn", "position"}) {
      String message =
          failure(settings("balanced.consistency", mode, "balanced.token_secret", SECRET));
      assertMentions(
          message,
          "balanced.consistency",
          "[" + mode + "]",
          "PostgreSQL",
          "MariaDB",
          "balanced.primary.url",
          "consistency=time");
    }
  }

  @Test
  void positionModeIsAcceptedForEveryUrlThatMayReachPostgresqlOrMariaDb() {
    for (String url :
        new String[] {
          "jdbc:postgresql://db/shop",
          "jdbc:mariadb://db/shop",
          "jdbc:mysql://db/shop",
          "jdbc:aws-wrapper:postgresql://db/shop"
        }) {
      BalancedSettings parsed =
          BalancedSettings.parse(
              settings(
                  "balanced.consistency", "position",
                  "balanced.token_secret", SECRET,
                  "balanced.primary.url", url),
              "balanced.");
      assertEquals(Consistency.POSITION, parsed.consistency().mode(), url);
    }
  }

  @Test
  void theLsnRefusalMasksCredentialsInThePrimaryUrl() {
    Map<String, Object> settings =
        settings(
            "balanced.consistency", "lsn",
            "balanced.token_secret", SECRET,
            "balanced.primary.url", "jdbc:sqlserver://app:url-password-123@db/shop?password=p-456");
    BalancedConfigurationException e =
        assertThrows(
            BalancedConfigurationException.class,
            () -> BalancedSettings.parse(settings, "balanced."));
    assertMentions(e.getMessage(), "balanced.consistency", "PostgreSQL");
    assertFalse(e.getMessage().contains("url-password-123"), e.getMessage());
    assertFalse(e.getMessage().contains("p-456"), e.getMessage());
  }

  @Test
  void lsnModeWithAPostgresqlPrimaryIsAccepted() {
    // Parsed only: no PostgreSQL server is needed to validate the settings.
    ConsistencySettings consistency =
        BalancedSettings.parse(
                settings(
                    "balanced.consistency", "lsn",
                    "balanced.token_secret", SECRET,
                    "balanced.primary.url", "jdbc:postgresql://localhost:5432/shop",
                    "balanced.lsn_wait_ms", "250",
                    "balanced.lsn_refresh_ms", "0",
                    "balanced.token_ttl_seconds", "60"),
                "balanced.")
            .consistency();
    assertEquals(Consistency.LSN, consistency.mode());
    assertEquals(250, consistency.lsnWaitMs());
    assertEquals(0, consistency.lsnRefreshMs());
    assertEquals(60, consistency.tokenTtlSeconds());
  }

  @Test
  void anUnknownModeIsRefusedWithTheChoices() {
    String message = failure(settings("balanced.consistency", "eventual"));
    assertMentions(message, "balanced.consistency", "eventual", "session | time | position | lsn");
  }

  @Test
  void modesAreCaseInsensitive() {
    ConsistencySettings consistency =
        BalancedSettings.parse(
                settings("balanced.consistency", " TIME ", "balanced.token_secret", SECRET),
                "balanced.")
            .consistency();
    assertEquals(Consistency.TIME, consistency.mode());
  }

  @Test
  void defaults() {
    ConsistencySettings consistency = BalancedSettings.parse(settings(), "balanced.").consistency();
    assertEquals(Consistency.SESSION, consistency.mode());
    assertEquals(15, consistency.pinSeconds());
    assertEquals(0, consistency.lsnWaitMs());
    assertEquals(10, consistency.lsnRefreshMs());
    assertEquals(300, consistency.tokenTtlSeconds());
    assertNull(consistency.tokenSecret());
  }

  // ---- numbers --------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "abc", "1.5", ""})
  void badPinSecondsAreRefused(String value) {
    String message =
        failure(
            settings(
                "balanced.consistency", "time",
                "balanced.token_secret", SECRET,
                "balanced.pin_seconds", value));
    assertMentions(message, "balanced.pin_seconds", "[" + value + "]", "a whole number >= 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "soon"})
  void badLsnWaitIsRefused(String value) {
    String message = failure(settings("balanced.lsn_wait_ms", value));
    assertMentions(message, "balanced.lsn_wait_ms", "[" + value + "]", "a whole number >= 0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "often", "2.5"})
  void badLsnRefreshIsRefused(String value) {
    String message = failure(settings("balanced.lsn_refresh_ms", value));
    assertMentions(message, "balanced.lsn_refresh_ms", "[" + value + "]", "a whole number >= 0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-5", "forever"})
  void badTokenTtlIsRefused(String value) {
    String message = failure(settings("balanced.token_ttl_seconds", value));
    assertMentions(message, "balanced.token_ttl_seconds", "[" + value + "]");
  }

  @Test
  void validNumbersAreAccepted() throws Exception {
    assertStarts(
        settings(
            "balanced.consistency", "time",
            "balanced.token_secret", SECRET,
            "balanced.pin_seconds", " 3 ",
            "balanced.lsn_wait_ms", "0",
            "balanced.token_ttl_seconds", "1"));
    ConsistencySettings consistency =
        BalancedSettings.parse(
                settings(
                    "balanced.consistency", "time",
                    "balanced.token_secret", SECRET,
                    "balanced.pin_seconds", " 3 "),
                "balanced.")
            .consistency();
    assertEquals(3, consistency.pinSeconds());
  }
}
