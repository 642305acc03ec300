package dev.balanced.internal.config;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.BalancedSession;
import dev.balanced.PinningMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The validated configuration. {@link #parse} checks every key under the prefix at once, so a typo
 * fails at startup instead of being silently ignored.
 */
public record BalancedSettings(
    String prefix,
    boolean enabled,
    PinningMode mode,
    SelectorKind selector,
    boolean primaryServesReads,
    int replicaRetrySeconds,
    int maxReplicaLagMs,
    int replicaLagCheckMs,
    NodeSettings primary,
    List<NodeSettings> replicas,
    ConsistencySettings consistency,
    List<FunctionName> writeFunctions) {

  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final Set<String> NODE_KEYS =
      Set.of(Settings.URL, Settings.USERNAME, Settings.PASSWORD, Settings.WEIGHT.key());

  /**
   * Whether {@code raw} asks for Balanced at all: it has a setting under {@code prefix}. Then
   * {@link #parse} requires the primary URL, so that a misspelt or forgotten one fails at startup
   * instead of leaving the application on one database without a word.
   */
  public static boolean isConfigured(Map<String, ?> raw, String prefix) {
    for (Map.Entry<String, ?> setting : raw.entrySet()) {
      if (setting.getKey().startsWith(prefix) && setting.getValue() != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Validates and parses the settings under {@code prefix}; other keys are ignored.
   *
   * @throws BalancedConfigurationException on the first problem, naming the key, the value and what
   *     was expected
   */
  public static BalancedSettings parse(Map<String, ?> rawSettings, String prefix) {
    Map<String, String> raw = new TreeMap<>();
    rawSettings.forEach(
        (key, value) -> {
          if (key.startsWith(prefix) && value != null) {
            raw.put(key, value.toString());
          }
        });

    Map<String, Map<String, String>> replicaKeys = new TreeMap<>();
    for (String key : raw.keySet()) {
      String rest = key.substring(prefix.length());
      if (GLOBAL_KEYS.contains(rest)) {
        continue;
      }
      if (rest.startsWith(Settings.REPLICAS)) {
        String afterReplicas = rest.substring(Settings.REPLICAS.length());
        int dot = afterReplicas.indexOf('.');
        if (dot <= 0) {
          throw unknownKey(prefix, key);
        }
        String name = afterReplicas.substring(0, dot);
        String nodeKey = afterReplicas.substring(dot + 1);
        checkNodeKey(prefix, key, nodeKey);
        replicaKeys.computeIfAbsent(name, n -> new TreeMap<>()).put(nodeKey, key);
      } else if (rest.startsWith(Settings.PRIMARY)) {
        checkNodeKey(prefix, key, rest.substring(Settings.PRIMARY.length()));
      } else {
        throw unknownKey(prefix, key);
      }
    }

    String primaryPrefix = prefix + Settings.PRIMARY;
    String primaryUrl = raw.get(primaryPrefix + Settings.URL);
    if (primaryUrl == null || primaryUrl.isBlank()) {
      throw new BalancedConfigurationException(
          "Missing setting '"
              + primaryPrefix
              + Settings.URL
              + "': expected the JDBC URL of the primary database, e.g. jdbc:postgresql://db:5432/app");
    }
    NodeSettings primary = node(BalancedSession.PRIMARY, primaryPrefix, raw, null);

    List<NodeSettings> replicas = new ArrayList<>();
    Map<String, String> seen = new TreeMap<>();
    for (String name : replicaKeys.keySet()) {
      String replicaPrefix = prefix + Settings.REPLICAS + name + ".";
      if (!NODE_NAME.matcher(name).matches()) {
        throw new BalancedConfigurationException(
            "Illegal replica name ["
                + name
                + "] in '"
                + replicaPrefix
                + "*': expected a letter followed by letters, digits, '_' or '-'");
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals(BalancedSession.PRIMARY) || lower.equals("master")) {
        throw new BalancedConfigurationException(
            "Illegal replica name ["
                + name
                + "] in '"
                + replicaPrefix
                + "*': 'primary' and 'master' name the primary; choose another name");
      }
      String clash = seen.putIfAbsent(lower, name);
      if (clash != null) {
        throw new BalancedConfigurationException(
            "Duplicate replica names ["
                + clash
                + "] and ["
                + name
                + "] under '"
                + prefix
                + Settings.REPLICAS
                + "': replica names must differ regardless of case, because usingEngine() looks"
                + " them up by name");
      }
      String url = raw.get(replicaPrefix + Settings.URL);
      if (url == null || url.isBlank()) {
        throw new BalancedConfigurationException(
            "Missing setting '"
                + replicaPrefix
                + Settings.URL
                + "': replica ["
                + name
                + "] has settings but no JDBC URL");
      }
      replicas.add(node(name, replicaPrefix, raw, primary));
    }

    BalancedSettings settings =
        new BalancedSettings(
            prefix,
            Settings.ENABLED.read(raw, prefix),
            Settings.MODE.read(raw, prefix),
            Settings.REPLICA_SELECTOR.read(raw, prefix),
            Settings.PRIMARY_SERVES_READS.read(raw, prefix),
            Settings.REPLICA_RETRY_SECONDS.read(raw, prefix),
            Settings.MAX_REPLICA_LAG_MS.read(raw, prefix),
            Settings.REPLICA_LAG_CHECK_MS.read(raw, prefix),
            primary,
            Collections.unmodifiableList(replicas),
            consistency(raw, prefix, primary),
            Settings.WRITE_FUNCTIONS.read(raw, prefix));
    settings.checkWeights();
    settings.checkLagNeedsPostgres();
    // Every way Balanced starts (Hibernate, BalancedDataSource) comes through here, and from here
    // on its log matters.
    Slf4jProviderCheck.warnOnceIfUnbound();
    return settings;
  }

  private static final Set<String> GLOBAL_KEYS =
      Set.of(
          Settings.ENABLED.key(),
          Settings.MODE.key(),
          Settings.REPLICA_SELECTOR.key(),
          Settings.PRIMARY_SERVES_READS.key(),
          Settings.REPLICA_RETRY_SECONDS.key(),
          Settings.MAX_REPLICA_LAG_MS.key(),
          Settings.REPLICA_LAG_CHECK_MS.key(),
          Settings.CONSISTENCY.key(),
          Settings.PIN_SECONDS.key(),
          Settings.LSN_WAIT_MS.key(),
          Settings.LSN_REFRESH_MS.key(),
          Settings.TOKEN_TTL_SECONDS.key(),
          Settings.TOKEN_SECRET.key(),
          Settings.WRITE_FUNCTIONS.key());

  private static ConsistencySettings consistency(
      Map<String, String> raw, String prefix, NodeSettings primary) {
    Consistency mode = Settings.CONSISTENCY.read(raw, prefix);
    String secret = Settings.TOKEN_SECRET.read(raw, prefix);
    String secretKey = prefix + Settings.TOKEN_SECRET.key();
    String modeKey = prefix + Settings.CONSISTENCY.key();
    if (mode != Consistency.SESSION) {
      if (secret == null) {
        throw new BalancedConfigurationException(
            "Missing setting '"
                + secretKey
                + "': '"
                + modeKey
                + "="
                + mode.name().toLowerCase(Locale.ROOT)
                + "' signs consistency tokens and needs a secret of at least "
                + Settings.MIN_SECRET_LENGTH
                + " characters, the same on every instance");
      }
      if (secret.length() < Settings.MIN_SECRET_LENGTH) {
        throw new BalancedConfigurationException(
            "Invalid value [<masked>] for setting '"
                + secretKey
                + "': expected at least "
                + Settings.MIN_SECRET_LENGTH
                + " characters, got "
                + secret.length());
      }
    }
    if (mode == Consistency.LSN && !primary.url().startsWith("jdbc:postgresql:")) {
      throw new BalancedConfigurationException(
          "Invalid value [lsn] for setting '"
              + modeKey
              + "': WAL positions (LSNs) need PostgreSQL, but '"
              + primary.keyPrefix()
              + Settings.URL
              + "' is ["
              + Secrets.maskUrl(primary.url())
              + "]; expected a jdbc:postgresql: URL, or consistency=time");
    }
    return new ConsistencySettings(
        mode,
        Settings.PIN_SECONDS.read(raw, prefix),
        Settings.LSN_WAIT_MS.read(raw, prefix),
        Settings.LSN_REFRESH_MS.read(raw, prefix),
        Settings.TOKEN_TTL_SECONDS.read(raw, prefix),
        mode == Consistency.SESSION ? null : secret);
  }

  private static void checkNodeKey(String prefix, String fullKey, String nodeKey) {
    if (NODE_KEYS.contains(nodeKey)) {
      return;
    }
    if (nodeKey.startsWith(Settings.HIKARI) && nodeKey.length() > Settings.HIKARI.length()) {
      return;
    }
    throw unknownKey(prefix, fullKey);
  }

  /** The value is left out: a misspelt key may well hold a secret. */
  private static BalancedConfigurationException unknownKey(String prefix, String key) {
    return new BalancedConfigurationException(
        "Unknown setting '"
            + key
            + "': expected one of "
            + prefix
            + "{"
            + String.join(", ", new TreeSet<>(GLOBAL_KEYS))
            + "}, "
            + prefix
            + "primary.{url, username, password, weight, hikari.<HikariCP property>} or "
            + prefix
            + "replicas.<name>.{url, username, password, weight, hikari.<HikariCP property>}");
  }

  private static NodeSettings node(
      String name, String nodePrefix, Map<String, String> raw, NodeSettings inheritFrom) {
    Properties hikari = new Properties();
    if (inheritFrom != null) {
      hikari.putAll(inheritFrom.hikari());
    }
    String hikariPrefix = nodePrefix + Settings.HIKARI;
    raw.forEach(
        (key, value) -> {
          if (key.startsWith(hikariPrefix)) {
            hikari.setProperty(key.substring(hikariPrefix.length()), value);
          }
        });
    String username = raw.get(nodePrefix + Settings.USERNAME);
    String password = raw.get(nodePrefix + Settings.PASSWORD);
    if (inheritFrom != null) {
      username = username != null ? username : inheritFrom.username();
      password = password != null ? password : inheritFrom.password();
    }
    int weight = Settings.WEIGHT.readAt(raw, nodePrefix, nodePrefix + Settings.WEIGHT.key());
    return new NodeSettings(
        name, nodePrefix, raw.get(nodePrefix + Settings.URL), username, password, weight, hikari);
  }

  /** Replicas' lag is measured in WAL positions, which only PostgreSQL has. */
  private void checkLagNeedsPostgres() {
    if (maxReplicaLagMs > 0 && !primary.url().startsWith("jdbc:postgresql:")) {
      throw new BalancedConfigurationException(
          "Invalid value ["
              + maxReplicaLagMs
              + "] for setting '"
              + prefix
              + Settings.MAX_REPLICA_LAG_MS.key()
              + "': replica lag is measured in WAL positions, which need PostgreSQL, but '"
              + primary.keyPrefix()
              + Settings.URL
              + "' is ["
              + Secrets.maskUrl(primary.url())
              + "]; expected a jdbc:postgresql: URL, or 0 (no lag limit)");
    }
  }

  private void checkWeights() {
    if (selector != SelectorKind.WEIGHTED || replicas.isEmpty()) {
      return;
    }
    long total = replicas.stream().mapToLong(NodeSettings::weight).sum();
    if (primaryServesReads) {
      total += primary.weight();
    }
    if (total == 0) {
      throw new BalancedConfigurationException(
          "Invalid weights for '"
              + prefix
              + Settings.REPLICA_SELECTOR.key()
              + "=weighted': every read node has weight 0; expected at least one weight > 0");
    }
  }
}
