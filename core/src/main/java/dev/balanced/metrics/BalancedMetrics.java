package dev.balanced.metrics;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.balanced.events.BalancedListener;
import dev.balanced.events.NodeState;
import dev.balanced.events.NodeStateChanged;
import dev.balanced.events.NodeStatus;
import dev.balanced.events.Pinned;
import dev.balanced.events.ReadNodeChosen;
import dev.balanced.events.Started;
import dev.balanced.events.SwitchedToPrimary;
import dev.balanced.events.TokenDecision;
import dev.balanced.events.WriteRefused;
import dev.balanced.spi.PoolCustomizer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Balanced's metrics in a Micrometer {@link MeterRegistry}: a {@link BalancedListener} that counts
 * what routing decides, gauges each node's state and lag, and has HikariCP record each node's pool.
 * Register one per registry, as a listener (or with {@code hibernate.balanced.metrics=true} for
 * {@link Metrics#globalRegistry}). Tags have bounded values: node names, reasons, kinds and
 * operations; never ids or SQL.
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>balanced.units.of.work</td><td>counter</td><td>node, reason</td><td>units of work by
 *       the node of their first read, and why it was chosen</td></tr>
 *   <tr><td>balanced.pins</td><td>counter</td><td>kind, operation</td><td>contexts pinned to the
 *       primary</td></tr>
 *   <tr><td>balanced.switches</td><td>counter</td><td>from, operation</td><td>units of work that
 *       read on a replica, then wrote</td></tr>
 *   <tr><td>balanced.refusals</td><td>counter</td><td>operation</td><td>writes refused in strict
 *       mode</td></tr>
 *   <tr><td>balanced.tokens</td><td>counter</td><td>outcome</td><td>what consistency tokens
 *       decided</td></tr>
 *   <tr><td>balanced.lsn.wait</td><td>timer</td><td>outcome</td><td>waits for a replica to
 *       replay a write</td></tr>
 *   <tr><td>balanced.node.up</td><td>gauge</td><td>node, role</td><td>1 while the node serves
 *       reads, else 0</td></tr>
 *   <tr><td>balanced.node.lag</td><td>gauge (ms)</td><td>node</td><td>a replica's measured lag,
 *       -1 when not measured</td></tr>
 *   <tr><td>balanced.replica.position.reads</td><td>function counter</td><td>node,
 *       answered.by</td><td>questions for a replica's replay position, answered by the replica (a
 *       round trip) or the cache</td></tr>
 *   <tr><td>balanced.node.transitions</td><td>counter</td><td>node, to</td><td>outages
 *       ({@code down}), recoveries ({@code up}), falling behind ({@code behind})</td></tr>
 *   <tr><td>hikaricp.connections.*</td><td>HikariCP's own</td><td>pool
 *       (balanced-&lt;node&gt;)</td><td>each node's pool</td></tr>
 * </table>
 */
public final class BalancedMetrics implements BalancedListener, PoolCustomizer {
  private final MeterRegistry registry;
  private final CounterTable unitsOfWork;
  private final CounterTable pins;
  private final CounterTable switches;
  private final CounterTable refusals;
  private final CounterTable tokens;
  private final CounterTable transitions;

  /** Micrometer holds what function counters read weakly; the runtimes' health stays here. */
  private final List<Supplier<List<NodeStatus>>> healthOfRuntimes = new CopyOnWriteArrayList<>();

  public BalancedMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.unitsOfWork =
        new CounterTable(
            registry,
            "balanced.units.of.work",
            "units of work by the node of their first read, and why it was chosen",
            "node",
            "reason");
    this.pins =
        new CounterTable(
            registry, "balanced.pins", "contexts pinned to the primary", "kind", "operation");
    this.switches =
        new CounterTable(
            registry,
            "balanced.switches",
            "units of work that read on a replica, then wrote and moved to the primary",
            "from",
            "operation");
    this.refusals =
        new CounterTable(
            registry, "balanced.refusals", "writes refused in strict mode", "operation", null);
    this.tokens =
        new CounterTable(
            registry, "balanced.tokens", "what consistency tokens decided", "outcome", null);
    this.transitions =
        new CounterTable(
            registry,
            "balanced.node.transitions",
            "node state changes: outages (down), recoveries (up), falling behind (behind)",
            "node",
            "to");
  }

  /** Metrics in {@link Metrics#globalRegistry}, for {@code hibernate.balanced.metrics=true}. */
  public static BalancedMetrics global() {
    return new BalancedMetrics(Metrics.globalRegistry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Each node's pool reports through HikariCP's own tracker, its meters tagged {@code node} and
   * {@code role} besides HikariCP's {@code pool}. HikariCP's tracker takes no tags, so it records
   * into a composite registry of this node alone, whose common tags then reach {@link #registry()}:
   * no filter is added to the application's registry, which may hold meters already.
   */
  @Override
  public void customize(String node, boolean primary, HikariConfig config) {
    if (config.getMetricsTrackerFactory() == null && config.getMetricRegistry() == null) {
      CompositeMeterRegistry tagged = new CompositeMeterRegistry(registry.config().clock());
      tagged.config().commonTags("node", node, "role", primary ? "primary" : "replica");
      tagged.add(registry);
      config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(tagged));
    }
  }

  @Override
  public void started(Started event) {
    Supplier<List<NodeStatus>> health = event.health();
    healthOfRuntimes.add(health);
    for (int i = 0; i < event.nodes().size(); i++) {
      int index = i;
      String node = event.nodes().get(i);
      String role = i == 0 ? "primary" : "replica";
      Gauge.builder(
              "balanced.node.up", health, h -> h.get().get(index).state() == NodeState.UP ? 1 : 0)
          .description("1 while the node serves reads (reachable, and within the lag limit)")
          .tag("node", node)
          .tag("role", role)
          .strongReference(true)
          .register(registry);
      if (i > 0) {
        FunctionCounter.builder(
                "balanced.replica.position.reads",
                health,
                h -> h.get().get(index).positionQueries())
            .description("questions for the replica's replay position, by who answered")
            .tag("node", node)
            .tag("answered.by", "replica")
            .register(registry);
        FunctionCounter.builder(
                "balanced.replica.position.reads",
                health,
                h -> h.get().get(index).positionCacheAnswers())
            .description("questions for the replica's replay position, by who answered")
            .tag("node", node)
            .tag("answered.by", "cache")
            .register(registry);
        Gauge.builder("balanced.node.lag", health, h -> h.get().get(index).lagMillis())
            .description("the replica's last measured lag, -1 when not measured")
            .baseUnit("milliseconds")
            .tag("node", node)
            .strongReference(true)
            .register(registry);
      }
    }
  }

  @Override
  public void readNodeChosen(ReadNodeChosen event) {
    unitsOfWork.increment(event.node(), event.reason());
  }

  @Override
  public void pinned(Pinned event) {
    pins.increment(event.kind(), orNone(event.operation()));
  }

  @Override
  public void switchedToPrimary(SwitchedToPrimary event) {
    switches.increment(event.from(), event.operation());
  }

  @Override
  public void writeRefused(WriteRefused event) {
    refusals.increment(event.operation(), null);
  }

  @Override
  public void tokenDecided(TokenDecision event) {
    String outcome = event.outcome().label();
    tokens.increment(outcome, null);
    if (event.waitedNanos() > 0) {
      Timer.builder("balanced.lsn.wait")
          .description("waits for a replica to replay a write the unit of work must see")
          .tag("outcome", outcome)
          .register(registry)
          .record(event.waitedNanos(), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void nodeStateChanged(NodeStateChanged event) {
    transitions.increment(event.node(), event.to().name().toLowerCase(java.util.Locale.ROOT));
  }

  private static String orNone(String value) {
    return value == null ? "none" : value;
  }

  @Override
  public String toString() {
    return "BalancedMetrics[" + registry.getClass().getSimpleName() + "]";
  }
}
