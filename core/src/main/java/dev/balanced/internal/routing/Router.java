package dev.balanced.internal.routing;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.balanced.PinningMode;
import dev.balanced.events.BalancedListener;
import dev.balanced.events.NodeState;
import dev.balanced.events.NodeStatus;
import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.consistency.ContextState;
import dev.balanced.internal.consistency.ReadYourWrites;
import dev.balanced.internal.events.Events;
import dev.balanced.internal.topology.Node;
import dev.balanced.internal.topology.NodeHealth;
import dev.balanced.internal.topology.ReadNodeChooser;
import dev.balanced.internal.topology.Topology;
import dev.balanced.spi.BalancedRuntime;
import dev.balanced.spi.NodeInfo;
import dev.balanced.spi.PoolCustomizer;
import dev.balanced.spi.Secrets;
import dev.balanced.spi.UnitOfWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The running library: settings, pools and replica selection. Opens routing sessions and the
 * routing connections bound to them. One per DataSource or SessionFactory; it owns the pools.
 */
public final class Router implements BalancedRuntime {
  private final BalancedSettings settings;
  private final Topology topology;
  private final ReadNodeChooser chooser;
  private final ReadYourWrites readYourWrites;
  private final StatementVerdicts verdicts;
  private final AtomicLong sessionIds = new AtomicLong();
  private final Events events;

  private Router(BalancedSettings settings, Topology topology, Events events) {
    this.settings = settings;
    this.topology = topology;
    this.events = events;
    this.chooser = topology.chooser();
    this.readYourWrites = ReadYourWrites.of(settings, topology, events);
    this.verdicts =
        new StatementVerdicts(SqlClassifier.withWriteFunctions(settings.writeFunctions()));
  }

  public static Router start(BalancedSettings settings) {
    return start(settings, System::nanoTime, List.of());
  }

  /**
   * As {@link #start(BalancedSettings)}, with the clock that times replica outages, and listeners
   * besides those the settings name.
   */
  public static Router start(
      BalancedSettings settings,
      LongSupplier nanoClock,
      List<? extends BalancedListener> listeners) {
    List<BalancedListener> all = new ArrayList<>(settings.listeners());
    all.addAll(listeners);
    Events events = new Events(all);
    NodeHealth.Listener health =
        events.active() ? events::nodeStateChanged : NodeHealth.Listener.NONE;
    PoolCustomizer pools =
        (node, primary, config) -> {
          for (BalancedListener listener : all) {
            if (listener instanceof PoolCustomizer customizer) {
              customizer.customize(node, primary, config);
            }
          }
        };
    Router router =
        new Router(settings, Topology.start(settings, nanoClock, health, pools), events);
    if (events.active()) {
      List<String> names = new ArrayList<>();
      router.topology.nodes().forEach(node -> names.add(node.name()));
      events.started(List.copyOf(names), router::health);
    }
    return router;
  }

  /** Whom this runtime tells what it decides. */
  Events events() {
    return events;
  }

  public BalancedSettings settings() {
    return settings;
  }

  public Topology topology() {
    return topology;
  }

  public PinningMode mode() {
    return settings.mode();
  }

  /** Opens a session in the current thread's context, or in a private one when none is open. */
  RoutingSession openSession(boolean readOnly) {
    return new RoutingSession(this, ContextState.currentOrPrivate(), readOnly);
  }

  long nextSessionId() {
    return sessionIds.incrementAndGet();
  }

  /** The read node of a new session; see {@link ReadNodeChooser#forNewUnitOfWork()}. */
  Node selectReadNode() {
    Node node = chooser.forNewUnitOfWork();
    if (chooser.isFallback(node) && RoutingSession.LOG.isDebugEnabled()) {
      RoutingSession.LOG.debug("no replica can be used: a session reads from the primary");
    }
    return node;
  }

  /** Whether {@code readNode} is the primary only because no replica could be used. */
  boolean isFallback(Node readNode) {
    return chooser.isFallback(readNode);
  }

  /** Why no replica could be used: some that can be reached are behind, or none can be reached. */
  RouteReason fallbackReason() {
    return chooser.anyReachableReplicaBehind()
        ? RouteReason.REPLICA_BEHIND
        : RouteReason.REPLICA_UNREACHABLE;
  }

  ReadYourWrites readYourWrites() {
    return readYourWrites;
  }

  /** Whether {@code sql} must run on the primary. */
  boolean isWrite(String sql) {
    return verdicts.isWrite(sql);
  }

  /** The SQL classifier with this router's declared write functions. */
  SqlClassifier classifier() {
    return verdicts.classifier();
  }

  @Override
  public UnitOfWork openUnitOfWork(boolean readOnly) {
    return openSession(readOnly);
  }

  @Override
  public Connection connect(UnitOfWork unitOfWork) {
    if (!(unitOfWork instanceof RoutingSession session) || session.router() != this) {
      throw new IllegalArgumentException(
          "Not a unit of work of this runtime: " + unitOfWork + "; open it with openUnitOfWork");
    }
    return connect(session);
  }

  /** A routing connection for {@code session}; physical connections are taken on first use. */
  Connection connect(RoutingSession session) {
    return new RoutingConnection(session);
  }

  @Override
  public List<NodeInfo> nodes() {
    List<NodeInfo> nodes = new ArrayList<>();
    for (Node node : topology.nodes()) {
      HikariDataSource pool = node.pool();
      nodes.add(
          new NodeInfo(
              node.name(),
              Secrets.maskUrl(topology.jdbcUrl(node)),
              pool.getPoolName(),
              pool.getMinimumIdle(),
              pool.getMaximumPoolSize()));
    }
    return nodes;
  }

  @Override
  public List<NodeStatus> health() {
    List<NodeStatus> statuses = new ArrayList<>();
    Instant now = Instant.now();
    for (Node node : topology.nodes()) {
      NodeHealth health = node.health();
      NodeState state = health.status();
      HikariPoolMXBean pool = node.pool().getHikariPoolMXBean();
      statuses.add(
          new NodeStatus(
              node.name(),
              node.isPrimary(),
              state,
              health.lagMs(),
              state == NodeState.DOWN ? now.minusNanos(health.nanosDown()) : null,
              node.lastError(),
              pool == null ? 0 : pool.getActiveConnections(),
              pool == null ? 0 : pool.getIdleConnections(),
              pool == null ? 0 : pool.getThreadsAwaitingConnection(),
              node.pool().getMaximumPoolSize(),
              topology.positions().asks(node),
              topology.positions().cacheAnswers(node)));
    }
    return statuses;
  }

  @Override
  public String describe() {
    return settings.mode().name().toLowerCase(Locale.ROOT)
        + " mode, consistency="
        + settings.consistency().mode().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public Connection connectPrimary() throws SQLException {
    return topology.primary().connect();
  }

  @Override
  public void close() {
    topology.close();
  }
}
