package dev.balanced.internal.topology;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.balanced.BalancedSession;
import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.config.NodeSettings;
import dev.balanced.spi.PoolCustomizer;
import dev.balanced.spi.SelectorKind;
import dev.balanced.spi.TopologyMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The primary and the replicas, each with its own pool. Owns the pools and closes them. With {@code
 * enabled=false} the replicas are left out: everything runs on the primary.
 */
public final class Topology implements AutoCloseable {
  private final Node primary;
  private final List<Node> replicas;
  private final List<Node> nodes;
  private final Node[] nodeArray;

  /** The candidates of the replica selector: the replicas, plus the primary if it serves reads. */
  private final List<Node> readNodes;

  /** With {@code enabled=false}: the configured replica names, which all mean the primary. */
  private final List<String> disabledReplicaNames;

  /** Measures replica lag when {@code max_replica_lag_ms} is set, else {@code null}. */
  private final ReplicaLagMonitor lagMonitor;

  private final ReplicaPositions positions;
  private final ReadNodeChooser chooser;

  /** With {@code topology=discover}: keeps the nodes' roles current; else {@code null}. */
  private final RoleMonitor roles;

  private Topology(
      Node primary,
      List<Node> replicas,
      boolean primaryServesReads,
      List<String> disabledReplicaNames,
      SelectorKind selector,
      ReplicaPositions positions,
      ReplicaLagMonitor lagMonitor,
      RoleMonitor roles) {
    this.primary = primary;
    this.roles = roles;
    this.positions = positions;
    this.lagMonitor = lagMonitor;
    this.replicas = Collections.unmodifiableList(replicas);
    this.disabledReplicaNames = List.copyOf(disabledReplicaNames);
    List<Node> all = new ArrayList<>();
    all.add(primary);
    all.addAll(replicas);
    this.nodes = Collections.unmodifiableList(all);
    this.nodeArray = all.toArray(Node[]::new);
    List<Node> readers = new ArrayList<>(replicas);
    if (primaryServesReads || replicas.isEmpty()) {
      readers.add(0, primary);
    }
    this.readNodes = Collections.unmodifiableList(readers);
    this.chooser = new ReadNodeChooser(primary, replicas, readers, selector);
  }

  /** Starts one pool per node; on failure closes the pools already started. */
  public static Topology start(BalancedSettings settings) {
    return start(
        settings, System::nanoTime, NodeHealth.Listener.NONE, (node, primary, config) -> {});
  }

  /**
   * As {@link #start(BalancedSettings)}, with the clock that times outages (nanoseconds, as {@link
   * System#nanoTime()}), a listener told of every node's health changes, and what adjusts each
   * pool's configuration before it starts.
   */
  public static Topology start(
      BalancedSettings settings,
      LongSupplier nanoClock,
      NodeHealth.Listener listener,
      PoolCustomizer poolCustomizer) {
    List<HikariDataSource> started = new ArrayList<>();
    RoleMonitor roles = null;
    try {
      Timelines timelines = new Timelines();
      if (settings.topology() == TopologyMode.DISCOVER) {
        roles = RoleMonitor.firstCheck(settings.replicas(), settings.topologyCheckMs(), timelines);
      }
      NodeSettings primarySettings = settings.primary();
      HikariDataSource primaryPool =
          PoolFactory.create(
              primarySettings,
              true,
              poolCustomizer,
              timelines,
              roles == null ? null : roles::primaryDataSource);
      started.add(primaryPool);
      Node primary =
          new Node(
              BalancedSession.PRIMARY,
              0,
              true,
              primarySettings.weight(),
              primaryPool,
              settings.replicaRetrySeconds(),
              nanoClock,
              listener,
              settings.primaryDownReads());
      List<Node> replicas = new ArrayList<>();
      List<String> disabledReplicaNames = new ArrayList<>();
      if (!settings.enabled()) {
        settings.replicas().forEach(replica -> disabledReplicaNames.add(replica.name()));
      } else {
        for (NodeSettings replica : settings.replicas()) {
          HikariDataSource pool = PoolFactory.create(replica, false, poolCustomizer);
          started.add(pool);
          replicas.add(
              new Node(
                  replica.name(),
                  replicas.size() + 1,
                  false,
                  replica.weight(),
                  pool,
                  settings.replicaRetrySeconds(),
                  nanoClock,
                  listener,
                  null));
        }
      }
      ReplicaPositions positions =
          new ReplicaPositions(
              replicas.size() + 1, PositionSources.choose(settings, primary), nanoClock, timelines);
      // A promotion was seen: connections made before it may lead to the former primary; new
      // ones are checked (PrimaryConnections).
      timelines.onNewer(
          () -> {
            HikariPoolMXBean pool = primaryPool.getHikariPoolMXBean();
            if (pool != null) {
              pool.softEvictConnections();
            }
          });
      ReplicaLagMonitor lagMonitor =
          settings.maxReplicaLagMs() > 0 && !replicas.isEmpty()
              ? ReplicaLagMonitor.start(
                  primary,
                  replicas,
                  positions,
                  nanoClock,
                  settings.maxReplicaLagMs(),
                  settings.replicaLagCheckMs())
              : null;
      if (roles != null) {
        roles.run(primary, replicas);
      }
      return new Topology(
          primary,
          replicas,
          settings.primaryServesReads(),
          disabledReplicaNames,
          settings.selector(),
          positions,
          lagMonitor,
          roles);
    } catch (RuntimeException e) {
      if (roles != null) {
        roles.close();
      }
      started.forEach(HikariDataSource::close);
      throw e;
    }
  }

  public Node primary() {
    return primary;
  }

  public List<Node> replicas() {
    return replicas;
  }

  /** The primary first, then the replicas; a node's index is its position here. */
  /**
   * The JDBC URL {@code node}'s connections go to. For the primary in {@code topology=discover}:
   * that of the node that is the primary now (its pool was built on the first node's URL, and asks
   * the role monitor where to connect); the pool's own URL while no node reports itself primary.
   */
  public String jdbcUrl(Node node) {
    String url = roles != null && node == primary() ? roles.primaryUrl() : null;
    return url != null ? url : node.pool().getJdbcUrl();
  }

  public List<Node> nodes() {
    return nodes;
  }

  /**
   * {@link #nodes()} as an array, shared: every routing connection indexes it, so it is made once.
   * Callers must not modify it.
   */
  public Node[] nodeArray() {
    return nodeArray;
  }

  public List<Node> readNodes() {
    return readNodes;
  }

  /** Which node serves a unit of work's reads. */
  public ReadNodeChooser chooser() {
    return chooser;
  }

  /** The replicas' replay positions, shared by the lag monitor and read-your-writes. */
  public ReplicaPositions positions() {
    return positions;
  }

  /**
   * The node called {@code name}: {@code "primary"} or {@code "master"} for the primary, else a
   * replica name (case-insensitive). With {@code enabled=false} a configured replica name gives the
   * primary, so code that names replicas runs unchanged with everything on the primary.
   *
   * @throws IllegalArgumentException listing the known names
   */
  public Node node(String name) {
    if (name == null) {
      throw new IllegalArgumentException("Engine name is null; " + knownNames());
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals(BalancedSession.PRIMARY) || lower.equals("master")) {
      return primary;
    }
    for (Node replica : replicas) {
      if (replica.name().equalsIgnoreCase(name)) {
        return replica;
      }
    }
    for (String disabled : disabledReplicaNames) {
      if (disabled.equalsIgnoreCase(name)) {
        return primary;
      }
    }
    throw new IllegalArgumentException("Unknown engine [" + name + "]; " + knownNames());
  }

  private String knownNames() {
    List<String> names = new ArrayList<>(List.of("primary", "master"));
    replicas.forEach(r -> names.add(r.name()));
    names.addAll(disabledReplicaNames);
    return "known engines: " + String.join(", ", names);
  }

  @Override
  public void close() {
    if (roles != null) {
      roles.close();
    }
    if (lagMonitor != null) {
      lagMonitor.close();
    }
    for (Node node : nodes) {
      node.pool().close();
    }
  }
}
