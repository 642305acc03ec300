package dev.balanced.internal.routing;

/** Why a statement went to the node it went to; logged with every routing decision. */
enum RouteReason {
  /** The replica selector chose the session's read node. */
  SELECTOR("selector"),
  /** The context is pinned to the primary. */
  PIN("pin"),
  /** A {@code usingEngine}/{@code usingReplica} scope is open. */
  SCOPE("scope"),
  /** The statement writes, locks or calls a sequence. */
  WRITE_INTENT("write intent"),
  /** An earlier write this unit of work must see (consistency token) rules replicas out. */
  CONSISTENCY("read-your-writes"),
  /** The session was opened read-only and stays on its replica. */
  READ_ONLY_SESSION("read-only session"),
  /** The session's replica could not be connected to; it reads from the primary instead. */
  REPLICA_UNREACHABLE("replica unreachable"),
  /** Every replica that could serve the session was further behind than max_replica_lag_ms. */
  REPLICA_BEHIND("replica behind"),
  /** The read was meant for the primary, which cannot be reached; a replica serves it instead. */
  PRIMARY_UNAVAILABLE("primary unavailable");

  private final String label;

  RouteReason(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }
}
