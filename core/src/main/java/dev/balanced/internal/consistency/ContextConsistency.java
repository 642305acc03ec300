package dev.balanced.internal.consistency;

/**
 * What one pinning context must see: the writes named by the token it was opened with, and its own
 * committed writes. Shared by the sessions of the context, which may run on several threads. Nested
 * contexts see their outer context's requirement, and their writes count for it too.
 */
final class ContextConsistency {
  private final ContextConsistency parent;
  private final String incomingToken;

  /** Only contexts an application opened can hand out a token; others need not record writes. */
  private final boolean recordsWrites;

  private boolean incomingDecoded;
  private ConsistencyToken incoming;
  private ConsistencyToken own;
  private TokenCodec issuer;

  /** The last token encoded, and what it encodes: a request asks more than once (header, store). */
  private ConsistencyToken encodedFrom;

  private String encoded;

  public ContextConsistency(
      ContextConsistency parent, String incomingToken, boolean recordsWrites) {
    this.parent = parent;
    this.incomingToken = incomingToken;
    this.recordsWrites = recordsWrites;
  }

  public boolean recordsWrites() {
    return recordsWrites;
  }

  /** The requirement for reads of {@code codec}'s database set, or {@code null} for none. */
  public synchronized ConsistencyToken requirement(TokenCodec codec, long nowMillis) {
    ConsistencyToken requirement = valid(decodedIncoming(codec, nowMillis), nowMillis);
    if (own != null && own.databaseSet().equals(codec.databaseSet())) {
      requirement =
          requirement == null ? valid(own, nowMillis) : requirement.merge(valid(own, nowMillis));
    }
    if (parent != null) {
      ConsistencyToken outer = parent.requirement(codec, nowMillis);
      requirement = requirement == null ? outer : requirement.merge(outer);
    }
    return requirement;
  }

  /** Records a write this context committed, and in the contexts it is nested in. */
  public synchronized void recordCommit(TokenCodec codec, ConsistencyToken written) {
    own = written.merge(own);
    issuer = codec;
    if (parent != null) {
      parent.recordCommit(codec, written);
    }
  }

  /**
   * The token for the next unit of work: this context's writes merged with the token it was opened
   * with. An incoming token no session has checked yet is passed on unchanged; one found invalid is
   * dropped. {@code null} when there is nothing to carry.
   */
  public synchronized String token(long nowMillis) {
    if (issuer == null) {
      return incomingDecoded ? null : incomingToken;
    }
    ConsistencyToken carried = valid(own, nowMillis);
    ConsistencyToken before = valid(decodedIncoming(issuer, nowMillis), nowMillis);
    if (carried == null) {
      carried = before;
    } else {
      carried = carried.merge(before);
    }
    if (carried == null) {
      return null;
    }
    if (!carried.equals(encodedFrom)) {
      encoded = issuer.encode(carried);
      encodedFrom = carried;
    }
    return encoded;
  }

  private ConsistencyToken decodedIncoming(TokenCodec codec, long nowMillis) {
    if (!incomingDecoded) {
      incomingDecoded = true;
      incoming = codec.decode(incomingToken, nowMillis);
      if (incoming != null && issuer == null) {
        issuer = codec;
      }
    }
    return incoming;
  }

  private static ConsistencyToken valid(ConsistencyToken token, long nowMillis) {
    return token != null && token.expiresAtMillis() > nowMillis ? token : null;
  }
}
