package dev.balanced.internal.config;

import dev.balanced.PinningMode;

/**
 * Every setting Balanced reads, with its default. Keys are relative to the prefix: {@code
 * hibernate.balanced.} through Hibernate, {@code balanced.} for {@code BalancedDataSource}.
 */
public final class Settings {
  private Settings() {}

  /** The Hibernate configuration prefix. */
  public static final String HIBERNATE_PREFIX = "hibernate.balanced.";

  /** The prefix of {@code BalancedDataSource} properties. */
  public static final String DATASOURCE_PREFIX = "balanced.";

  public static final Setting<Boolean> ENABLED =
      Setting.bool(
          "enabled",
          true,
          "false sends everything to the primary (replicas are validated but not used), for tests.");

  public static final Setting<PinningMode> MODE =
      Setting.choice(
          "mode",
          PinningMode.GREEDY,
          PinningMode.class,
          "greedy: a write pins the context to the primary; strict: an unpinned write is refused.");

  public static final Setting<SelectorKind> REPLICA_SELECTOR =
      Setting.choice(
          "replica_selector",
          SelectorKind.RANDOM,
          SelectorKind.class,
          "How a session's read node is chosen among the replicas (and the primary when it serves"
              + " reads).");

  public static final Setting<Boolean> PRIMARY_SERVES_READS =
      Setting.bool(
          "primary.serves_reads",
          false,
          "true lets the replica selector choose the primary for reads too.");

  /**
   * Node keys below; for replicas they follow {@code replicas.<name>.}, for the primary {@code
   * primary.}.
   */
  public static final String URL = "url";

  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  public static final String HIKARI = "hikari.";

  public static final Setting<Integer> WEIGHT =
      Setting.of(
          "weight",
          1,
          "a whole number >= 0",
          text -> {
            int weight = Integer.parseInt(text.trim());
            return weight < 0 ? null : weight;
          },
          "The node's share of reads under replica_selector=weighted.");

  public static final String PRIMARY = "primary.";
  public static final String REPLICAS = "replicas.";
}
