package dev.balanced.internal.config;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.BalancedSession;
import dev.balanced.PinningMode;
import dev.balanced.events.BalancedListener;
import dev.balanced.internal.position.PositionDatabases;
import dev.balanced.internal.position.WalPositions;
import dev.balanced.spi.BalancedConfiguration;
import dev.balanced.spi.Consistency;
import dev.balanced.spi.FunctionName;
import dev.balanced.spi.PrimaryDownReads;
import dev.balanced.spi.Secrets;
import dev.balanced.spi.SelectorKind;
import dev.balanced.spi.Setting;
import dev.balanced.spi.SettingSource;
import dev.balanced.spi.Settings;
import dev.balanced.spi.TopologyMode;
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
    PrimaryDownReads primaryDownReads,
    TopologyMode topology,
    int topologyCheckMs,
    int maxReplicaLagMs,
    int replicaLagCheckMs,
    NodeSettings primary,
    List<NodeSettings> replicas,
    ConsistencySettings consistency,
    List<FunctionName> writeFunctions,
    List<BalancedListener> listeners)
    implements BalancedConfiguration {

  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final String NODE_KEYS_EXPECTED =
      "{url, username, password, weight, hikari.<HikariCP property>}";

  /**
   * Whether {@code raw} asks for Balanced at all: it has a setting under {@code prefix}. Then
   * {@link #parse} requires the primary URL, so that a misspelt or forgotten one fails at startup
   * instead of leaving the application on one database without a word.
   */
  public static boolean isConfigured(Map<String, ?> raw, String prefix) {
    return !SettingSource.of(raw, prefix, "setting").keys().isEmpty();
  }

  /**
   * Validates and parses the settings under {@code prefix}; other keys are ignored.
   *
   * @throws BalancedConfigurationException on the first problem, naming the key, the value and what
   *     was expected
   */
  public static BalancedSettings parse(Map<String, ?> rawSettings, String prefix) {
    SettingSource source =
        SettingSource.of(ListenerSettings.withoutInstances(rawSettings, prefix), prefix, "setting");
    source.rejectUnknown(
        Settings.GLOBAL,
        key -> isNodeKey(prefix, key),
        prefix
            + Settings.PRIMARY
            + NODE_KEYS_EXPECTED
            + " or "
            + prefix
            + Settings.REPLICAS
            + "<name>."
            + NODE_KEYS_EXPECTED
            + " or (topology=discover) "
            + prefix
            + Settings.NODES
            + "<name>."
            + NODE_KEYS_EXPECTED);
    TopologyMode topology = source.get(Settings.TOPOLOGY);
    NodeSettings primary;
    List<NodeSettings> replicas;
    if (topology == TopologyMode.DISCOVER) {
      rejectGroup(source, Settings.PRIMARY, "topology=discover");
      rejectGroup(source, Settings.REPLICAS, "topology=discover");
      replicas = discoveredNodes(source);
      // The first node stands for the whole set where one URL is needed: the kind of database,
      // the token's database set. Connections to the primary go to whichever node is it.
      NodeSettings first = replicas.get(0);
      primary =
          new NodeSettings(
              BalancedSession.PRIMARY,
              first.keyPrefix(),
              first.url(),
              first.username(),
              first.password(),
              1,
              first.hikari());
    } else {
      rejectGroup(source, Settings.NODES, "topology=static (the default)");
      String primaryPrefix = prefix + Settings.PRIMARY;
      if (source.get(Settings.URL, primaryPrefix) == null) {
        throw new BalancedConfigurationException(
            "Missing setting '"
                + primaryPrefix
                + Settings.URL.key()
                + "': expected the JDBC URL of the primary database, e.g."
                + " jdbc:postgresql://db:5432/app");
      }
      primary = node(BalancedSession.PRIMARY, primaryPrefix, source, null);
      replicas = named(source, Settings.REPLICAS, "replica", primary);
    }

    BalancedSettings settings =
        new BalancedSettings(
            prefix,
            source.get(Settings.ENABLED),
            source.get(Settings.MODE),
            source.get(Settings.REPLICA_SELECTOR),
            source.get(Settings.PRIMARY_SERVES_READS),
            source.get(Settings.REPLICA_RETRY_SECONDS),
            source.get(Settings.PRIMARY_DOWN_READS),
            topology,
            source.get(Settings.TOPOLOGY_CHECK_MS),
            source.get(Settings.MAX_REPLICA_LAG_MS),
            source.get(Settings.REPLICA_LAG_CHECK_MS),
            primary,
            Collections.unmodifiableList(replicas),
            consistency(source, primary),
            source.get(Settings.WRITE_FUNCTIONS),
            ListenerSettings.listeners(rawSettings, source));
    settings.checkWeights();
    settings.checkLagNeedsPositions();
    // Every way Balanced starts (Hibernate, BalancedDataSource) comes through here, and from here
    // on its log matters.
    Slf4jProviderCheck.warnOnceIfUnbound();
    return settings;
  }

  /** The names under {@code nodes.} that are shared settings, not nodes. */
  private static final Set<String> SHARED_NODE_KEYS = Set.of("username", "password", "hikari");

  /**
   * {@code primary.<node key>}, {@code replicas.<name>.<node key>}, {@code nodes.<name>.<node
   * key>}, or what nodes share: {@code nodes.username}, {@code nodes.password}, {@code
   * nodes.hikari.*}.
   */
  private static boolean isNodeKey(String prefix, String fullKey) {
    String rest = fullKey.substring(prefix.length());
    String nodeKey;
    if (rest.startsWith(Settings.PRIMARY)) {
      nodeKey = rest.substring(Settings.PRIMARY.length());
    } else if (rest.startsWith(Settings.REPLICAS) || rest.startsWith(Settings.NODES)) {
      String group = rest.startsWith(Settings.REPLICAS) ? Settings.REPLICAS : Settings.NODES;
      String afterGroup = rest.substring(group.length());
      if (group.equals(Settings.NODES) && isSharedNodeKey(afterGroup)) {
        return true;
      }
      int dot = afterGroup.indexOf('.');
      if (dot <= 0) {
        return false;
      }
      nodeKey = afterGroup.substring(dot + 1);
    } else {
      return false;
    }
    for (Setting<?> setting : Settings.NODE) {
      if (setting.key().equals(nodeKey)) {
        return true;
      }
    }
    return nodeKey.startsWith(Settings.HIKARI) && nodeKey.length() > Settings.HIKARI.length();
  }

  /** {@code username}, {@code password} or {@code hikari.<property>} right under {@code nodes.}. */
  private static boolean isSharedNodeKey(String afterNodes) {
    return afterNodes.equals(Settings.USERNAME.key())
        || afterNodes.equals(Settings.PASSWORD.key())
        || (afterNodes.startsWith(Settings.HIKARI)
            && afterNodes.length() > Settings.HIKARI.length());
  }

  /** Fails when a key under {@code group} is set, which {@code mode} does not read. */
  private static void rejectGroup(SettingSource source, String group, String mode) {
    String groupPrefix = source.prefix() + group;
    for (String key : source.keys()) {
      if (key.startsWith(groupPrefix) && !isGlobal(source, key)) {
        throw new BalancedConfigurationException(
            "Setting '"
                + key
                + "' does not apply with "
                + mode
                + ": expected "
                + (group.equals(Settings.NODES)
                    ? source.prefix()
                        + Settings.PRIMARY
                        + "* and "
                        + source.prefix()
                        + Settings.REPLICAS
                        + "<name>.*, or "
                        + source.prefix()
                        + Settings.TOPOLOGY.key()
                        + "=discover with "
                        + source.prefix()
                        + Settings.NODES
                        + "<name>.*"
                    : source.prefix()
                        + Settings.NODES
                        + "<name>.* (every server, whatever its role)"));
      }
    }
  }

  /**
   * Whether {@code key} is a global setting that looks like a node's ({@code
   * primary.serves_reads}).
   */
  private static boolean isGlobal(SettingSource source, String key) {
    String relative = key.substring(source.prefix().length());
    return Settings.GLOBAL.stream().anyMatch(setting -> setting.key().equals(relative));
  }

  /** The names under {@code group} ({@code replicas.}, {@code nodes.}), in order. */
  private static Set<String> namesUnder(SettingSource source, String group) {
    Set<String> names = new TreeSet<>();
    String groupPrefix = source.prefix() + group;
    for (String key : source.keys()) {
      if (key.startsWith(groupPrefix)) {
        String afterGroup = key.substring(groupPrefix.length());
        if (group.equals(Settings.NODES) && isSharedNodeKey(afterGroup)) {
          continue;
        }
        names.add(afterGroup.substring(0, afterGroup.indexOf('.')));
      }
    }
    return names;
  }

  /** "Illegal replica name [x] in 'prefix.replicas.x.*': why". */
  private static BalancedConfigurationException illegalName(
      String role, String name, String nodePrefix, String why) {
    return new BalancedConfigurationException(
        "Illegal " + role + " name [" + name + "] in '" + nodePrefix + "*': " + why);
  }

  /**
   * The nodes under {@code group}, each inheriting what it does not set from {@code inheritFrom};
   * {@code role} names them in messages ("replica").
   */
  private static List<NodeSettings> named(
      SettingSource source, String group, String role, NodeSettings inheritFrom) {
    String prefix = source.prefix();
    List<NodeSettings> nodes = new ArrayList<>();
    Map<String, String> seen = new TreeMap<>();
    for (String name : namesUnder(source, group)) {
      String nodePrefix = prefix + group + name + ".";
      if (!NODE_NAME.matcher(name).matches()) {
        throw illegalName(
            role,
            name,
            nodePrefix,
            "expected a letter followed by letters, digits," + " '_' or '-'");
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals(BalancedSession.PRIMARY) || lower.equals("master")) {
        throw illegalName(
            role, name, nodePrefix, "'primary' and 'master' name the primary; choose another name");
      }
      String clash = seen.putIfAbsent(lower, name);
      if (clash != null) {
        throw new BalancedConfigurationException(
            "Duplicate "
                + role
                + " names ["
                + clash
                + "] and ["
                + name
                + "] under '"
                + prefix
                + group
                + "': "
                + role
                + " names must differ regardless of case, because usingEngine() looks"
                + " them up by name");
      }
      if (source.get(Settings.URL, nodePrefix) == null) {
        throw new BalancedConfigurationException(
            "Missing setting '"
                + nodePrefix
                + Settings.URL.key()
                + "': "
                + role
                + " ["
                + name
                + "] has settings but no JDBC URL");
      }
      nodes.add(node(name, nodePrefix, source, inheritFrom));
    }
    return Collections.unmodifiableList(nodes);
  }

  /**
   * {@code topology=discover}: the nodes, inheriting {@code nodes.username}, {@code nodes.password}
   * and {@code nodes.hikari.*}; at least one, all PostgreSQL.
   */
  private static List<NodeSettings> discoveredNodes(SettingSource source) {
    String prefix = source.prefix();
    NodeSettings shared = node("nodes", prefix + Settings.NODES, source, null);
    List<NodeSettings> nodes = named(source, Settings.NODES, "node", shared);
    if (nodes.isEmpty()) {
      throw new BalancedConfigurationException(
          "Missing settings '"
              + prefix
              + Settings.NODES
              + "<name>.url': '"
              + prefix
              + Settings.TOPOLOGY.key()
              + "=discover' finds the primary among the nodes listed there, e.g. "
              + prefix
              + Settings.NODES
              + "db1.url=jdbc:postgresql://db1:5432/app");
    }
    for (NodeSettings node : nodes) {
      if (PositionDatabases.byUrl(node.url()) != WalPositions.SOURCE) {
        throw new BalancedConfigurationException(
            "Invalid value ["
                + Secrets.maskUrl(node.url())
                + "] for setting '"
                + node.keyPrefix()
                + Settings.URL.key()
                + "': '"
                + prefix
                + Settings.TOPOLOGY.key()
                + "=discover' asks PostgreSQL servers for their role and timeline; expected a"
                + " jdbc:postgresql: URL, or topology=static");
      }
    }
    return nodes;
  }

  private static ConsistencySettings consistency(SettingSource source, NodeSettings primary) {
    String prefix = source.prefix();
    Consistency mode = source.get(Settings.CONSISTENCY);
    String secret = source.get(Settings.TOKEN_SECRET);
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
            "Invalid value ["
                + Secrets.MASK
                + "] for setting '"
                + secretKey
                + "': expected at least "
                + Settings.MIN_SECRET_LENGTH
                + " characters, got "
                + secret.length());
      }
    }
    if (mode.byPosition() && !PositionDatabases.mayHavePositions(primary.url())) {
      throw new BalancedConfigurationException(
          "Invalid value ["
              + mode.name().toLowerCase(Locale.ROOT)
              + "] for setting '"
              + modeKey
              + "': replication positions need "
              + PositionDatabases.SUPPORTED
              + ", but '"
              + primary.keyPrefix()
              + Settings.URL.key()
              + "' is ["
              + Secrets.maskUrl(primary.url())
              + "]; expected such a URL, or consistency=time");
    }
    return new ConsistencySettings(
        mode,
        source.get(Settings.PIN_SECONDS),
        source.get(Settings.LSN_WAIT_MS),
        source.get(Settings.LSN_REFRESH_MS),
        source.get(Settings.TOKEN_TTL_SECONDS),
        mode == Consistency.SESSION ? null : secret);
  }

  private static NodeSettings node(
      String name, String nodePrefix, SettingSource source, NodeSettings inheritFrom) {
    Properties hikari = new Properties();
    if (inheritFrom != null) {
      hikari.putAll(inheritFrom.hikari());
    }
    String hikariPrefix = nodePrefix + Settings.HIKARI;
    for (String key : source.keys()) {
      if (key.startsWith(hikariPrefix)) {
        hikari.setProperty(key.substring(hikariPrefix.length()), source.text(key));
      }
    }
    String username = source.get(Settings.USERNAME, nodePrefix);
    String password = source.get(Settings.PASSWORD, nodePrefix);
    if (inheritFrom != null) {
      username = username != null ? username : inheritFrom.username();
      password = password != null ? password : inheritFrom.password();
    }
    return new NodeSettings(
        name,
        nodePrefix,
        source.get(Settings.URL, nodePrefix),
        username,
        password,
        source.get(Settings.WEIGHT, nodePrefix),
        hikari);
  }

  /** Replicas' lag is measured in replication positions: PostgreSQL's WAL, MariaDB's GTID. */
  private void checkLagNeedsPositions() {
    if (maxReplicaLagMs > 0 && !PositionDatabases.mayHavePositions(primary.url())) {
      throw new BalancedConfigurationException(
          "Invalid value ["
              + maxReplicaLagMs
              + "] for setting '"
              + prefix
              + Settings.MAX_REPLICA_LAG_MS.key()
              + "': replica lag is measured in replication positions, which need "
              + PositionDatabases.SUPPORTED
              + ", but '"
              + primary.keyPrefix()
              + Settings.URL.key()
              + "' is ["
              + Secrets.maskUrl(primary.url())
              + "]; expected such a URL, or 0 (no lag limit)");
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
