package dev.balanced.internal.routing;

import dev.balanced.PinningContext;
import dev.balanced.PinningMode;
import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.consistency.ReadYourWrites;
import dev.balanced.internal.topology.Node;
import dev.balanced.internal.topology.ReplicaSelector;
import dev.balanced.internal.topology.Topology;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The running library: settings, pools and replica selection. Opens routing sessions and the
 * routing connections bound to them. One per DataSource or SessionFactory; it owns the pools.
 */
public final class Router implements AutoCloseable {
  private final BalancedSettings settings;
  private final Topology topology;
  private final ReplicaSelector selector;
  private final ReadYourWrites readYourWrites;
  private final StatementVerdicts verdicts = new StatementVerdicts();
  private final AtomicLong sessionIds = new AtomicLong();

  private Router(BalancedSettings settings, Topology topology) {
    this.settings = settings;
    this.topology = topology;
    this.selector = ReplicaSelector.of(settings.selector(), topology.readNodes());
    this.readYourWrites = ReadYourWrites.of(settings, topology);
  }

  public static Router start(BalancedSettings settings) {
    return new Router(settings, Topology.start(settings));
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
  public RoutingSession openSession(boolean readOnly) {
    return new RoutingSession(this, PinningContext.currentOrPrivate(), readOnly);
  }

  long nextSessionId() {
    return sessionIds.incrementAndGet();
  }

  Node selectReadNode() {
    return selector.select();
  }

  ReadYourWrites readYourWrites() {
    return readYourWrites;
  }

  /** Whether {@code sql} must run on the primary. */
  boolean isWrite(String sql) {
    return verdicts.isWrite(sql);
  }

  /** A routing connection for {@code session}; physical connections are taken on first use. */
  public Connection connect(RoutingSession session) {
    return new RoutingConnection(session);
  }

  /** A plain pooled connection to the primary, for work outside any session (DDL, metadata). */
  public Connection connectPrimary() throws SQLException {
    return topology.primary().connect();
  }

  @Override
  public void close() {
    topology.close();
  }
}
