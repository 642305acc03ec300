package dev.balanced.internal.routing;

import dev.balanced.BalancedSession;
import dev.balanced.PinningMode;
import dev.balanced.ReadOnlyWriteException;
import dev.balanced.UnpinnedWriteException;
import dev.balanced.events.NodeStatus;
import dev.balanced.internal.consistency.ContextState;
import dev.balanced.internal.events.Events;
import dev.balanced.internal.topology.Node;
import dev.balanced.spi.PrimaryDownReads;
import dev.balanced.spi.UnitOfWork;
import dev.balanced.spi.WriteIntent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing state of one unit of work (a Hibernate session, a JDBC connection of the DataSource):
 * its context, its scopes and its read node. Decides where each statement goes. Confined to one
 * thread at a time, like the session it belongs to; only the context is shared.
 */
final class RoutingSession implements UnitOfWork {
  static final Logger LOG = LoggerFactory.getLogger("dev.balanced.routing");

  private final Router router;
  private final ContextState context;
  private final boolean readOnly;

  /** Whether the context was pinned when the session opened: then it starts on the primary. */
  private final boolean startsPinned;

  /** For logs and toString: numbered when first shown, so that unlogged sessions cost no atomic. */
  private long id;

  /** The node this session reads from while unpinned; chosen once so its reads are consistent. */
  private Node readNode;

  /** Why {@link #readNode} was chosen: the selector, or read-your-writes of an earlier write. */
  private RouteReason readNodeReason;

  /** Open scopes, innermost first; made on the first scope, as most sessions never open one. */
  private Deque<ScopeImpl> scopes;

  private RouteReason lastReason = RouteReason.SELECTOR;

  /**
   * Set while the unit of work's connection is read-only ({@code Connection.setReadOnly(true)}, as
   * Spring does for {@code @Transactional(readOnly = true)}): writes are refused, reads are routed
   * as in any transaction. Cleared when the connection goes back, since Spring does not always call
   * {@code setReadOnly(false)}.
   */
  private boolean readOnlyConnection;

  /** Set while the session reads entities read-only by default, as Spring also sets it. */
  private boolean readOnlyByDefault;

  /** Whether listeners were told where this session's first read went. */
  private boolean firstReadTold;

  /** The replica this session last read from, {@code null} while it has read from none. */
  private Node readFromReplica;

  /** The replica this session reads from instead of the primary while that is down. */
  private Node standIn;

  /**
   * Strict mode: a write approved inside a primary scope also approves the SQL it produces later in
   * the same transaction (an entity persisted in the scope is inserted at commit, after it).
   */
  private boolean writesApprovedUntilTransactionEnd;

  RoutingSession(Router router, ContextState context, boolean readOnly) {
    this.router = router;
    this.context = context;
    this.readOnly = readOnly;
    this.startsPinned = !readOnly && context.isPinned();
    if (startsPinned) {
      // Pinned before any unit of work of this runtime ran: by the application or a filter.
      tellPinOnce();
    }
  }

  /**
   * The node this session reads from when nothing else decides, chosen on first need: a session of
   * an already pinned context may never need it, and read-your-writes may cost a round trip to each
   * replica.
   */
  private Node readNode() {
    if (readNode == null) {
      Node selected = router.selectReadNode();
      Node consistent = readOnly ? selected : router.readYourWrites().readNode(context, selected);
      readNodeReason =
          consistent != selected
              ? RouteReason.CONSISTENCY
              : router.isFallback(selected) ? router.fallbackReason() : RouteReason.SELECTOR;
      readNode = consistent;
      if (consistent != selected) {
        logRedirect("reads", consistent, selected, RouteReason.CONSISTENCY);
      }
    }
    return readNode;
  }

  public Router router() {
    return router;
  }

  public ContextState context() {
    return context;
  }

  @Override
  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * The node the session starts on: the primary when its context was pinned at open, else its read
   * node, which this chooses if nothing has yet.
   */
  public Node initialNode() {
    return startsPinned ? router.topology().primary() : readNode();
  }

  @Override
  public String startNode() {
    return initialNode().name();
  }

  /**
   * A read is running on {@code node}, the {@link #readTarget()} it was given a connection to:
   * remembered for a later switch to the primary, and the unit of work's first read is told.
   */
  void readOn(Node node) {
    if (!node.isPrimary()) {
      readFromReplica = node;
    }
    if (!firstReadTold) {
      firstReadTold = true;
      Events events = router.events();
      if (events.active()) {
        events.readNodeChosen(node.name(), lastReason.toString());
      }
    }
  }

  /** Where the next read goes; sets {@link #lastReason()}. */
  Node readTarget() {
    ScopeImpl scope = topScope();
    if (scope != null) {
      if (scope.named) {
        // usingEngine: the caller asked for this node, the primary too; it is not replaced.
        lastReason = RouteReason.SCOPE;
        return scope.node;
      }
      return orStandIn(scope.node != null ? scope.node : readNode(), RouteReason.SCOPE);
    }
    if (readOnly) {
      return orStandIn(readNode(), RouteReason.READ_ONLY_SESSION);
    }
    if (context.isPinned()) {
      return orStandIn(router.topology().primary(), RouteReason.PIN);
    }
    Node node = readNode();
    return orStandIn(node, readNodeReason);
  }

  /**
   * {@code node}, for {@code reason}; but where that is the primary and it cannot be reached, a
   * replica that stands in for it ({@code primary_down_reads=replica}): the one this session read
   * from already, else one chosen by read-your-writes. Without a stand-in, the primary, whose
   * connection then fails fast.
   */
  private Node orStandIn(Node node, RouteReason reason) {
    if (!node.isPrimary() || !node.isUnreachable()) {
      lastReason = reason;
      return node;
    }
    Node replica = standIn();
    if (replica == null) {
      lastReason = reason;
      return node;
    }
    if (lastReason != RouteReason.PRIMARY_UNAVAILABLE) {
      logRedirect("reads", replica, node, RouteReason.PRIMARY_UNAVAILABLE);
    }
    lastReason = RouteReason.PRIMARY_UNAVAILABLE;
    return replica;
  }

  private Node standIn() {
    if (router.settings().primaryDownReads() == PrimaryDownReads.FAIL) {
      return null;
    }
    if (standIn != null && !standIn.isUnreachable()) {
      return standIn;
    }
    standIn =
        readFromReplica != null && !readFromReplica.isUnreachable()
            ? readFromReplica
            : router.readYourWrites().standInForPrimary(context);
    return standIn;
  }

  /**
   * {@code node}, this session's read node, could not be connected to: its reads go to the primary
   * from now on, which has everything any replica had, so they never go back in time. A replica
   * that an open {@code usingReplica} scope picked gives way to the read node the same way. A node
   * named by an open {@code usingEngine} scope is not replaced: the caller asked for it.
   *
   * @return whether the node was replaced, so that the read may be tried again
   */
  boolean replaceUnreachableReadNode(Node node) {
    ScopeImpl scope = topScope();
    if (scope != null && scope.node == node) {
      if (scope.named) {
        return false;
      }
      scope.readReadNodeInstead();
      return true;
    }
    if (node != readNode || node.isPrimary()) {
      return false;
    }
    readNode = router.topology().primary();
    readNodeReason = RouteReason.REPLICA_UNREACHABLE;
    logRedirect("reads", readNode, node, readNodeReason);
    return true;
  }

  /** DEBUG: {@code what} now goes to {@code node} instead of {@code planned}, and why. */
  private void logRedirect(String what, Node node, Node planned, RouteReason reason) {
    if (LOG.isDebugEnabled()) {
      LOG.atDebug()
          .addKeyValue("session", id())
          .addKeyValue("node", node.name())
          .addKeyValue("reason", reason)
          .log(
              "session#{} {} from {} instead of {} (reason: {})",
              id(),
              what,
              node.name(),
              planned.name(),
              reason);
    }
  }

  private ScopeImpl topScope() {
    return scopes == null ? null : scopes.peek();
  }

  RouteReason lastReason() {
    return lastReason;
  }

  /**
   * Called before any write reaches a connection: pins the context in greedy mode, refuses the
   * write in strict mode unless pinned or inside a primary scope.
   *
   * @param operation what is written, for messages: "persist of com.example.Item"
   * @throws UnpinnedWriteException in strict mode when unpinned
   * @throws IllegalStateException in a read-only session
   */
  @Override
  public void beforeWrite(WriteIntent operation) {
    if (readOnly) {
      throw new ReadOnlyWriteException(
          "Refused "
              + operation
              + ": this session was opened read-only and only reads from replica ["
              + readNode().name()
              + "]; open a normal session to write");
    }
    if (readOnlyConnection || readOnlyByDefault) {
      throw new ReadOnlyWriteException(
          "Refused "
              + operation
              + ": the transaction is read-only ("
              + (readOnlyConnection
                  ? "Connection.setReadOnly(true)"
                  : "Session.setDefaultReadOnly(true)")
              + ", as Spring's @Transactional(readOnly = true) sets it); write in a read-write"
              + " transaction");
    }
    if (context.isPinned()) {
      return;
    }
    if (router.mode() == PinningMode.STRICT) {
      ScopeImpl scope = topScope();
      if (scope != null && scope.approvesWrites) {
        writesApprovedUntilTransactionEnd = true;
        return;
      }
      if (writesApprovedUntilTransactionEnd) {
        return;
      }
      Events events = router.events();
      if (events.active()) {
        events.writeRefused(operation.operation(), operation.entity());
      }
      throw new UnpinnedWriteException(operation.toString());
    }
    context.pin(operation);
    if (LOG.isDebugEnabled()) {
      LOG.atDebug()
          .addKeyValue("session", id())
          .addKeyValue("node", BalancedSession.PRIMARY)
          .addKeyValue("reason", "write intent")
          .log("session#{} pinned to primary (reason: write intent: {})", id(), operation);
    }
    Events events = router.events();
    if (events.active()) {
      if (context.claimPinTold()) {
        events.pinnedByWrite(operation, operation.operation(), operation.entity());
      }
      if (readFromReplica != null) {
        events.switchedToPrimary(readFromReplica.name(), operation.operation(), operation.entity());
      }
    }
  }

  /** The unit of work's connection was made read-only, or read-write again. */
  void readOnlyConnection(boolean readOnly) {
    this.readOnlyConnection = readOnly;
  }

  @Override
  public void readOnlyByDefault(boolean readOnly) {
    this.readOnlyByDefault = readOnly;
  }

  /** The transaction of this session's connection ended: scope approvals end with it. */
  void transactionEnded() {
    writesApprovedUntilTransactionEnd = false;
  }

  @Override
  public boolean isPinnedForWrites() {
    return context.isPinned() && !readOnly && !readOnlyConnection && !readOnlyByDefault;
  }

  long id() {
    if (id == 0) {
      id = router.nextSessionId();
    }
    return id;
  }

  @Override
  public Scope usingEngine(String name) {
    Node node = router.topology().node(name);
    // Only a scope that names the primary approves strict-mode writes: with enabled=false a replica
    // name also gives the primary, and must not approve writes it would refuse in production.
    boolean namesPrimary = name.equalsIgnoreCase(PRIMARY) || name.equalsIgnoreCase("master");
    return push(node, true, node.isPrimary() && namesPrimary);
  }

  @Override
  public Scope usingReplica() {
    if (readNode().isPrimary()) {
      // The selector gave this session the primary (it serves reads, or no replica can be
      // used); the caller asked for a replica, and any usable one will do.
      Node replica = router.topology().chooser().anyUsableReplica();
      if (replica != null) {
        return push(replica, false, false);
      }
    }
    return push(null, false, false);
  }

  private Scope push(Node node, boolean named, boolean approvesWrites) {
    ScopeImpl scope = new ScopeImpl(node, named, approvesWrites);
    if (scopes == null) {
      scopes = new ArrayDeque<>(2);
    }
    scopes.push(scope);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "session#{} scope opened: reads go to {}",
          id(),
          node != null ? node.name() : readNode().name());
    }
    return scope;
  }

  @Override
  public void pin() {
    if (!context.isPinned()) {
      context.pin("pin()");
      if (LOG.isDebugEnabled()) {
        LOG.debug("session#{} pinned to primary (reason: pin())", id());
      }
      tellPinOnce();
    }
  }

  /** Tells listeners of the context's pin, unless a unit of work of it did. */
  private void tellPinOnce() {
    Events events = router.events();
    if (events.active() && context.isPinned() && context.claimPinTold()) {
      events.pinned(context.pinReason());
    }
  }

  @Override
  public boolean isPinned() {
    return context.isPinned();
  }

  @Override
  public String currentEngine() {
    return readTarget().name();
  }

  @Override
  public List<NodeStatus> health() {
    return router.health();
  }

  @Override
  public String routeReason() {
    readTarget();
    return lastReason == RouteReason.PIN
        ? lastReason + ": " + context.pinReason()
        : lastReason.toString();
  }

  /**
   * Names the read node only once it is chosen: choosing it here could query replicas (read your
   * writes in {@code lsn} mode), and a log line or a debugger must not do I/O.
   */
  @Override
  public String toString() {
    return "BalancedSession#"
        + id()
        + "["
        + (readNode != null ? "reads on " + readNode.name() : "read node not chosen yet")
        + ", "
        + context
        + "]";
  }

  private final class ScopeImpl implements Scope {
    /** The node reads go to; {@code null} means the session's read node. */
    private Node node;

    /**
     * Whether the caller named {@link #node} ({@code usingEngine}): then it is never replaced. A
     * replica that {@code usingReplica} picked gives way to the read node when it is unreachable.
     */
    private final boolean named;

    /** Whether strict mode lets writes through inside this scope: it names the primary. */
    private final boolean approvesWrites;

    private boolean closed;

    ScopeImpl(Node node, boolean named, boolean approvesWrites) {
      this.node = node;
      this.named = named;
      this.approvesWrites = approvesWrites;
    }

    /** Its picked replica is unreachable: reads go to the session's read node instead. */
    private void readReadNodeInstead() {
      logRedirect("scope reads", readNode(), node, RouteReason.REPLICA_UNREACHABLE);
      node = null;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      scopes.remove(this);
    }
  }
}
