package dev.balanced.spi;

import dev.balanced.PinningMode;
import java.util.List;

/**
 * Every setting Balanced reads, declared once with its default. Keys are relative to the prefix:
 * {@code hibernate.balanced.} through Hibernate, {@code balanced.} for {@code BalancedDataSource};
 * an integration that maps its own configuration onto them (a framework's properties) takes the
 * keys, defaults and descriptions from here.
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

  /*
   * Node keys below; for replicas they follow {@code replicas.<name>.}, for the primary {@code
   * primary.}.
   */

  public static final Setting<String> URL =
      Setting.text("url", "The node's JDBC URL; required for the primary and for each replica.");

  public static final Setting<String> USERNAME =
      Setting.of(
          "username",
          null,
          "a text",
          t -> t,
          "The node's user name; replicas inherit the primary's.");

  public static final Setting<String> PASSWORD =
      Setting.secret("password", "The node's password; replicas inherit the primary's.");

  /** The prefix of a node's HikariCP properties, which HikariCP itself validates. */
  public static final String HIKARI = "hikari.";

  public static final Setting<Integer> WEIGHT =
      Setting.integer("weight", 1, 0, "The node's share of reads under replica_selector=weighted.");

  public static final Setting<Integer> REPLICA_RETRY_SECONDS =
      Setting.integer(
          "replica_retry_seconds",
          10,
          1,
          "How long a replica (or the primary) that could not be connected to, and whose pool does"
              + " not reconnect on its own (hikari.minimumIdle=0), is left out before one unit of"
              + " work tries it again. A pool with minimumIdle above 0 (HikariCP's default) keeps"
              + " reconnecting in the background, and the replica serves reads again once it"
              + " has.");

  public static final Setting<TopologyMode> TOPOLOGY =
      Setting.choice(
          "topology",
          TopologyMode.STATIC,
          TopologyMode.class,
          "static: primary.* is the primary and replicas.<name>.* the replicas; discover"
              + " (PostgreSQL): nodes.<name>.* are servers whose roles Balanced asks every"
              + " topology_check_ms, so that writes follow a promoted standby without a restart.");

  public static final Setting<Integer> TOPOLOGY_CHECK_MS =
      Setting.integer(
          "topology_check_ms",
          2000,
          50,
          "topology=discover: how often every node is asked whether it is the primary or a"
              + " standby, and on which timeline; writes move to a promoted standby within this.");

  public static final Setting<PrimaryDownReads> PRIMARY_DOWN_READS =
      Setting.choice(
          "primary_down_reads",
          PrimaryDownReads.REPLICA,
          PrimaryDownReads.class,
          "While the primary cannot be reached, where reads go that would go to it (a pinned"
              + " context, a token no replica satisfies): replica (one that has applied what the"
              + " context must see if one has, else the most advanced one known) or fail"
              + " (PrimaryUnavailableException, as for writes). Writes fail fast either way.");

  public static final Setting<Integer> MAX_REPLICA_LAG_MS =
      Setting.integer(
          "max_replica_lag_ms",
          0,
          0,
          "PostgreSQL, MariaDB: a replica further behind the primary than this is left out of the selection"
              + " until it has caught up, measured every replica_lag_check_ms. 0 measures nothing"
              + " and never leaves a replica out for lag.");

  public static final Setting<Integer> REPLICA_LAG_CHECK_MS =
      Setting.integer(
          "replica_lag_check_ms",
          1000,
          10,
          "max_replica_lag_ms: how often the primary's WAL position and each replica's replay"
              + " position are read, on a thread of Balanced's; lag is known to within this.");

  public static final Setting<Consistency> CONSISTENCY =
      Setting.choice(
          "consistency",
          Consistency.SESSION,
          Consistency.class,
          "How read-your-writes is carried across units of work: session (only the pin inside a"
              + " context), time (the primary serves reads for pin_seconds after a write) or position"
              + " (a replica serves reads once it has applied the write, by WAL position on"
              + " PostgreSQL and GTID on MariaDB; lsn is another name for it).");

  public static final Setting<Integer> PIN_SECONDS =
      Setting.integer(
          "pin_seconds",
          15,
          1,
          "consistency=time: how long after a write the writer's later units of work read from"
              + " the primary.");

  public static final Setting<Integer> LSN_WAIT_MS =
      Setting.integer(
          "lsn_wait_ms",
          0,
          0,
          "consistency=position: how long a unit of work may wait for a replica to apply the write it"
              + " must see before reading from the primary instead.");

  public static final Setting<Integer> LSN_REFRESH_MS =
      Setting.integer(
          "lsn_refresh_ms",
          10,
          0,
          "consistency=position: how often at most a replica that looks behind is asked for its"
              + " position; units of work in between take the last answer. 0 asks every time.");

  public static final Setting<Integer> TOKEN_TTL_SECONDS =
      Setting.integer(
          "token_ttl_seconds",
          300,
          1,
          "consistency=position: how long a consistency token is honoured after it was issued.");

  public static final Setting<String> TOKEN_SECRET =
      Setting.secret(
          "token_secret",
          "The HMAC-SHA256 key that signs consistency tokens; required by consistency=time and"
              + " lsn, at least 32 characters, the same on every instance that shares tokens.");

  public static final Setting<List<FunctionName>> WRITE_FUNCTIONS =
      Setting.of(
          "write_functions",
          List.of(),
          FunctionName.EXPECTED,
          FunctionName::parseList,
          "Functions of the application's own that write, comma-separated, case-insensitive:"
              + " archive_order,app.bump_counter. A query that calls one runs on the primary (and"
              + " pins, or is refused unpinned in strict mode). A name without schema matches"
              + " calls in any schema; schema.name matches calls in that schema and unqualified"
              + " ones. None by default.");

  public static final Setting<List<String>> LISTENERS =
      Setting.of(
          "listeners",
          List.of(),
          "comma-separated class names of dev.balanced.events.BalancedListener implementations"
              + " with a public no-argument constructor",
          ClassNames::parseList,
          "Listeners told of routing decisions, pins, tokens and node states"
              + " (dev.balanced.events.BalancedListener). Instances may be given under the same"
              + " key in the settings map instead. None by default.");

  public static final Setting<Boolean> METRICS =
      Setting.bool(
          "metrics",
          false,
          "true records metrics in Micrometer's global registry (io.micrometer:micrometer-core"
              + " must be on the class path); to record in a registry of your own, register a"
              + " dev.balanced.metrics.BalancedMetrics as a listener instead.");

  /** The shortest accepted {@link #TOKEN_SECRET}: 32 characters, 256 bits of ASCII. */
  public static final int MIN_SECRET_LENGTH = 32;

  public static final String PRIMARY = "primary.";
  public static final String REPLICAS = "replicas.";

  /**
   * {@code topology=discover}: the servers, {@code nodes.<name>.*}, and what they share, {@code
   * nodes.username}, {@code nodes.password}, {@code nodes.hikari.*}.
   */
  public static final String NODES = "nodes.";

  /** The settings that apply to the whole configuration, in the order the README lists them. */
  public static final List<Setting<?>> GLOBAL =
      List.of(
          MODE,
          WRITE_FUNCTIONS,
          ENABLED,
          REPLICA_SELECTOR,
          PRIMARY_SERVES_READS,
          REPLICA_RETRY_SECONDS,
          PRIMARY_DOWN_READS,
          TOPOLOGY,
          TOPOLOGY_CHECK_MS,
          MAX_REPLICA_LAG_MS,
          REPLICA_LAG_CHECK_MS,
          CONSISTENCY,
          PIN_SECONDS,
          LSN_WAIT_MS,
          LSN_REFRESH_MS,
          TOKEN_TTL_SECONDS,
          TOKEN_SECRET,
          LISTENERS,
          METRICS);

  /** The settings of each node, under {@code primary.} and {@code replicas.<name>.}. */
  public static final List<Setting<?>> NODE = List.of(URL, USERNAME, PASSWORD, WEIGHT);
}
