package dev.balanced.hibernate.internal;

import dev.balanced.BalancedSession;
import dev.balanced.spi.UnitOfWork;
import java.io.Serializable;

/**
 * A session's tenant identifier: the node the session starts on, and the routing of a session
 * opened through Balanced. Hibernate hands the tenant identifier to the connection provider on
 * every acquisition and keeps it on the session, so carrying the routing here binds connections and
 * event listeners to their session with no registry, thread-local or per-session listener.
 *
 * <p>Equality and {@link #toString()} are the node name only: Hibernate builds query-cache keys,
 * natural-id cache keys and id-generator state from the tenant, and those must not differ per
 * session. A query-cache key keeps its tenant, and so the finished routing it points to, until the
 * entry is evicted; the routing is transient, so a serialized key carries the name alone.
 */
final class NodeTenant implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Sessions Hibernate opens for itself (schema tools, {@code withStatelessOptions()}); also what
   * the tenant resolver answers, which Balanced's session builder takes as "no tenant named".
   */
  static final NodeTenant PRIMARY = new NodeTenant(BalancedSession.PRIMARY, null);

  /**
   * The start node's name, resolved on first need: choosing a read node at open would cost a
   * session that never reads a replica round trip in {@code lsn} mode. Volatile: a query-cache key
   * holding this tenant may be compared on another thread.
   */
  private volatile String node;

  private final transient UnitOfWork routing;

  private NodeTenant(String node, UnitOfWork routing) {
    this.node = node;
    this.routing = routing;
  }

  static NodeTenant of(UnitOfWork routing) {
    return new NodeTenant(null, routing);
  }

  private String node() {
    String name = node;
    if (name == null) {
      name = routing.startNode();
      node = name;
    }
    return name;
  }

  /** The routing of a session opened through Balanced, or {@code null} for any other session. */
  UnitOfWork routing() {
    return routing;
  }

  /** Why an application cannot name a session's tenant, and what to do instead. */
  static String notSupported(Object tenantIdentifier) {
    return "Tenant '"
        + tenantIdentifier
        + "' is not supported with Balanced, which uses each session's tenant for its node;"
        + " use BalancedSession.usingEngine(name) to read from a given node";
  }

  /** The routing of {@code tenantIdentifier} if it is a Balanced session's, else {@code null}. */
  static UnitOfWork routingOf(Object tenantIdentifier) {
    return tenantIdentifier instanceof NodeTenant tenant ? tenant.routing : null;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NodeTenant tenant && node().equals(tenant.node());
  }

  @Override
  public int hashCode() {
    return node().hashCode();
  }

  @Override
  public String toString() {
    return node();
  }

  /** A serialized tenant carries the name alone: resolve it first. */
  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    node();
    out.defaultWriteObject();
  }
}
