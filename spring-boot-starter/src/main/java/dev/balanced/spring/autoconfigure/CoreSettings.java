package dev.balanced.spring.autoconfigure;

import dev.balanced.spi.Settings;
import dev.balanced.spi.TopologyMode;
import dev.balanced.spring.BalancedProperties;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Balanced's Boot properties as the core's settings map ({@code balanced.*} keys in the core's
 * form), which the core validates: so every rule and message lives in one place, the core's, and
 * {@link BalancedFailureAnalyzer} turns the keys it names back into Boot's form.
 */
final class CoreSettings {
  static final String PREFIX = Settings.DATASOURCE_PREFIX;

  private CoreSettings() {}

  /**
   * @param primaryUrl {@code balanced.primary.url}, else Boot's {@code spring.datasource.url}
   * @param primaryUsername likewise, for the user name
   * @param primaryPassword likewise, for the password
   * @param springHikari {@code spring.datasource.hikari.*}, keys as written
   */
  static Map<String, Object> of(
      BalancedProperties properties,
      String primaryUrl,
      String primaryUsername,
      String primaryPassword,
      String driverClassName,
      Map<String, String> springHikari) {
    Map<String, Object> settings = new LinkedHashMap<>();
    put(settings, Settings.ENABLED.key(), properties.isEnabled());
    put(settings, Settings.MODE.key(), lower(properties.getMode()));
    put(settings, Settings.REPLICA_SELECTOR.key(), lower(properties.getReplicaSelector()));
    put(settings, Settings.CONSISTENCY.key(), lower(properties.getConsistency()));
    put(settings, Settings.REPLICA_RETRY_SECONDS.key(), properties.getReplicaRetrySeconds());
    put(settings, Settings.PRIMARY_DOWN_READS.key(), lower(properties.getPrimaryDownReads()));
    put(settings, Settings.MAX_REPLICA_LAG_MS.key(), properties.getMaxReplicaLagMs());
    put(settings, Settings.REPLICA_LAG_CHECK_MS.key(), properties.getReplicaLagCheckMs());
    put(settings, Settings.PIN_SECONDS.key(), properties.getPinSeconds());
    put(settings, Settings.LSN_WAIT_MS.key(), properties.getLsnWaitMs());
    put(settings, Settings.LSN_REFRESH_MS.key(), properties.getLsnRefreshMs());
    put(settings, Settings.TOKEN_TTL_SECONDS.key(), properties.getTokenTtlSeconds());
    put(settings, Settings.TOKEN_SECRET.key(), properties.getTokenSecret());
    if (!properties.getWriteFunctions().isEmpty()) {
      put(
          settings,
          Settings.WRITE_FUNCTIONS.key(),
          String.join(",", properties.getWriteFunctions()));
    }
    if (!properties.getListeners().isEmpty()) {
      put(settings, Settings.LISTENERS.key(), String.join(",", properties.getListeners()));
    }
    put(settings, Settings.PRIMARY_SERVES_READS.key(), properties.getPrimary().isServesReads());
    put(settings, Settings.TOPOLOGY.key(), lower(properties.getTopology()));
    put(settings, Settings.TOPOLOGY_CHECK_MS.key(), properties.getTopologyCheckMs());
    if (properties.getTopology() == TopologyMode.DISCOVER) {
      // Every server is a node; what Boot's data source says is what they share.
      put(settings, Settings.NODES + Settings.USERNAME.key(), primaryUsername);
      put(settings, Settings.NODES + Settings.PASSWORD.key(), primaryPassword);
      if (driverClassName != null) {
        put(settings, Settings.NODES + Settings.HIKARI + "driverClassName", driverClassName);
      }
      hikari(settings, Settings.NODES, springHikari);
      nodes(settings, Settings.NODES, properties.getNodes());
      return settings;
    }

    BalancedProperties.Primary primary = properties.getPrimary();
    String primaryPrefix = Settings.PRIMARY;
    put(settings, primaryPrefix + Settings.URL.key(), or(primary.getUrl(), primaryUrl));
    put(
        settings,
        primaryPrefix + Settings.USERNAME.key(),
        or(primary.getUsername(), primary.getUrl() == null ? primaryUsername : null));
    put(
        settings,
        primaryPrefix + Settings.PASSWORD.key(),
        or(primary.getPassword(), primary.getUrl() == null ? primaryPassword : null));
    if (primary.getUrl() == null && driverClassName != null) {
      put(settings, primaryPrefix + Settings.HIKARI + "driverClassName", driverClassName);
    }
    hikari(settings, primaryPrefix, springHikari);
    hikari(settings, primaryPrefix, primary.getHikari());

    nodes(settings, Settings.REPLICAS, properties.getReplicas());
    return settings;
  }

  /** {@code group} ({@code replicas.}, {@code nodes.}) {@code <name>.*} of each node. */
  private static void nodes(
      Map<String, Object> settings, String group, Map<String, BalancedProperties.Node> nodes) {
    nodes.forEach(
        (name, node) -> {
          String nodePrefix = group + name + ".";
          put(settings, nodePrefix + Settings.URL.key(), node.getUrl());
          put(settings, nodePrefix + Settings.USERNAME.key(), node.getUsername());
          put(settings, nodePrefix + Settings.PASSWORD.key(), node.getPassword());
          put(settings, nodePrefix + Settings.WEIGHT.key(), node.getWeight());
          hikari(settings, nodePrefix, node.getHikari());
        });
  }

  private static void hikari(
      Map<String, Object> settings, String nodePrefix, Map<String, String> hikari) {
    hikari.forEach(
        (key, value) -> put(settings, nodePrefix + Settings.HIKARI + hikariName(key), value));
  }

  /**
   * HikariCP's property name for a key as Boot users write it: {@code maximum-pool-size} is {@code
   * maximumPoolSize}, {@code data-source-properties.cachePrepStmts} is {@code
   * dataSource.cachePrepStmts} (the form HikariCP reads driver properties in).
   */
  static String hikariName(String key) {
    String driverProperties = "data-source-properties.";
    if (key.startsWith(driverProperties)) {
      return "dataSource." + key.substring(driverProperties.length());
    }
    StringBuilder name = new StringBuilder(key.length());
    boolean upper = false;
    for (char c : key.toCharArray()) {
      if (c == '-') {
        upper = true;
      } else {
        name.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return name.toString();
  }

  /**
   * A core key in Boot's form: {@code balanced.max_replica_lag_ms} is {@code
   * balanced.max-replica-lag-ms}, {@code balanced.primary.hikari.maximumPoolSize} is {@code
   * balanced.primary.hikari.maximum-pool-size}. Replica and node names are kept as written.
   */
  static String bootName(String coreKey) {
    for (String group : new String[] {Settings.REPLICAS, Settings.NODES}) {
      String named = PREFIX + group;
      if (coreKey.startsWith(named)) {
        String rest = coreKey.substring(named.length());
        int dot = rest.indexOf('.');
        if (dot > 0) {
          return named + rest.substring(0, dot + 1) + kebab(rest.substring(dot + 1));
        }
      }
    }
    return kebab(coreKey);
  }

  private static String kebab(String key) {
    StringBuilder name = new StringBuilder(key.length() + 8);
    for (char c : key.toCharArray()) {
      if (c == '_') {
        name.append('-');
      } else if (Character.isUpperCase(c)) {
        name.append('-').append(Character.toLowerCase(c));
      } else {
        name.append(c);
      }
    }
    return name.toString();
  }

  private static String lower(Enum<?> value) {
    return value == null ? null : value.name().toLowerCase(Locale.ROOT);
  }

  private static String or(String first, String second) {
    return first != null ? first : second;
  }

  private static void put(Map<String, Object> settings, String key, Object value) {
    if (value != null) {
      settings.put(PREFIX + key, String.valueOf(value));
    }
  }
}
