package dev.balanced.internal.consistency;

import dev.balanced.events.TokenDecision.Outcome;
import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.config.ConsistencySettings;
import dev.balanced.internal.events.Events;
import dev.balanced.internal.position.PositionSource;
import dev.balanced.internal.position.ReplicationPosition;
import dev.balanced.internal.topology.Node;
import dev.balanced.internal.topology.ReadNodeChooser;
import dev.balanced.internal.topology.ReplicaPositions;
import dev.balanced.internal.topology.Topology;
import dev.balanced.spi.Consistency;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-your-writes across units of work ({@code consistency=time|lsn}): chooses where a new session
 * may read given what its context must see, and records what a context wrote when it commits. In
 * {@code session} mode it does nothing.
 */
public final class ReadYourWrites {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.consistency");
  private static final long POLL_MILLIS = 10;

  private final ConsistencySettings settings;
  private final TokenCodec codec;
  private final Node primary;

  private final ReadNodeChooser chooser;

  /** How positions are read (position mode only). */
  private final PositionSource positions;

  /** Where a replica is, for choosing one while the primary is down; null if unknowable. */
  private final Function<Node, ReplicationPosition> outagePosition;

  /** Where a replica was last seen: no round trip. */
  private final Function<Node, ReplicationPosition> cachedPosition;

  /** Where a replica is: asked unless someone asked within {@code lsn_refresh_ms}. */
  private final Function<Node, ReplicationPosition> askedPosition;

  private final LongSupplier clock;
  private final Events events;
  private final ReplicaPositions replicaPositions;

  ReadYourWrites(BalancedSettings settings, Topology topology, LongSupplier clock, Events events) {
    this.settings = settings.consistency();
    this.events = events;
    this.codec =
        this.settings.mode() == Consistency.SESSION
            ? null
            : new TokenCodec(
                TokenCodec.databaseSetId(settings.primary().url()),
                this.settings.tokenSecret(),
                events);
    this.primary = topology.primary();
    this.chooser = topology.chooser();
    ReplicaPositions positions = topology.positions();
    this.replicaPositions = positions;
    this.positions = positions.source();
    long refreshNanos = this.settings.lsnRefreshMs() * 1_000_000L;
    this.cachedPosition = positions::cached;
    this.askedPosition = replica -> positions.refresh(replica, refreshNanos);
    this.outagePosition = positions.source() == null ? null : askedPosition;
    this.clock = clock;
  }

  public static ReadYourWrites of(BalancedSettings settings, Topology topology, Events events) {
    return new ReadYourWrites(settings, topology, System::currentTimeMillis, events);
  }

  /**
   * The node a new session of {@code context} reads from: {@code selected} if it may, else a
   * replica that has caught up, else the primary.
   */
  public Node readNode(ContextState context, Node selected) {
    if (codec == null || selected.isPrimary()) {
      return selected;
    }
    long now = clock.getAsLong();
    ConsistencyToken requirement = context.consistency().requirement(codec, now);
    if (requirement == null) {
      return selected;
    }
    if (requirement.pinnedUntilMillis() > now) {
      return told(Outcome.HONOURED_PRIMARY, primary, 0);
    }
    ReplicationPosition required = requirement.position();
    if (required.isNone()) {
      return selected;
    }
    if (fromEarlierTimeline(required)) {
      // Written before a promotion: whether the write made it into the new timeline's history
      // depends on where the timelines forked, which no replica position says. The safe choice:
      // the primary for pin_seconds after the write, as time mode would, then any node.
      long writtenAt = requirement.expiresAtMillis() - settings.tokenTtlSeconds() * 1000L;
      return writtenAt + settings.pinSeconds() * 1000L > now
          ? told(Outcome.HONOURED_PRIMARY, primary, 0)
          : selected;
    }
    return caughtUp(selected, required);
  }

  /** Whether {@code required} is a WAL position on a timeline a promotion has since ended. */
  private boolean fromEarlierTimeline(ReplicationPosition required) {
    long timeline = required.timeline();
    return timeline != 0 && timeline < replicaPositions.timelines().newest();
  }

  private Node caughtUp(Node selected, ReplicationPosition required) {
    Node known = chooser.caughtUp(selected, required, cachedPosition);
    if (known != null) {
      return told(Outcome.HONOURED_REPLICA, known, 0);
    }
    long deadline = clock.getAsLong() + settings.lsnWaitMs();
    long waitStart = 0;
    while (true) {
      // A replica that is down is not asked (that would cost its pool's connection timeout), nor
      // one too far behind to be given reads.
      Node caughtUp = chooser.caughtUp(selected, required, askedPosition);
      if (caughtUp != null) {
        return waitStart == 0
            ? told(Outcome.HONOURED_REPLICA, caughtUp, 0)
            : told(Outcome.WAITED_REPLICA, caughtUp, System.nanoTime() - waitStart);
      }
      long remaining = deadline - clock.getAsLong();
      if (remaining <= 0) {
        if (LOG.isDebugEnabled()) {
          LOG.debug(
              "no replica has applied {} (waited {} ms): reading from the primary",
              required,
              settings.lsnWaitMs());
        }
        return waitStart == 0
            ? told(Outcome.HONOURED_PRIMARY, primary, 0)
            : told(Outcome.WAITED_PRIMARY, primary, System.nanoTime() - waitStart);
      }
      if (waitStart == 0) {
        waitStart = System.nanoTime();
      }
      try {
        Thread.sleep(Math.min(POLL_MILLIS, remaining));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return told(Outcome.WAITED_PRIMARY, primary, System.nanoTime() - waitStart);
      }
    }
  }

  /**
   * While the primary cannot be reached: the replica {@code context}'s reads meant for the primary
   * go to, {@code null} when none can be reached. One that has applied what the context must see,
   * if any has; else the most advanced one (see {@link ReadNodeChooser#standInForPrimary}).
   */
  public Node standInForPrimary(ContextState context) {
    ReplicationPosition required = ReplicationPosition.NONE;
    if (codec != null) {
      ConsistencyToken requirement = context.consistency().requirement(codec, clock.getAsLong());
      if (requirement != null) {
        required = requirement.position();
      }
    }
    return chooser.standInForPrimary(required, outagePosition);
  }

  private Node told(Outcome outcome, Node node, long waitedNanos) {
    if (events.active()) {
      events.tokenDecided(outcome, node.name(), waitedNanos);
    }
    return node;
  }

  /**
   * Records that {@code context} committed writes on the primary, through {@code
   * primaryConnection}, which is still open: in position mode its position is read now, after the
   * commit.
   */
  public void afterCommit(ContextState context, Connection primaryConnection) {
    if (codec == null) {
      return;
    }
    ContextConsistency consistency = context.consistency();
    if (!consistency.recordsWrites()) {
      return;
    }
    long now = clock.getAsLong();
    ConsistencyToken written =
        settings.mode() == Consistency.TIME
            ? pinnedFrom(now)
            : positionWritten(primaryConnection, now);
    consistency.recordCommit(codec, written);
  }

  /**
   * The write's position. The data is committed already, so failing to read the position must not
   * look like a failed commit: the token then keeps the writer on the primary for {@code
   * pin_seconds} instead, as time mode would.
   */
  private ConsistencyToken positionWritten(Connection primaryConnection, long now) {
    try {
      ReplicationPosition written =
          replicaPositions.timelines().saw(positions.committed(primaryConnection));
      if (written.isEmpty()) {
        // MariaDB without a binary log: nothing a replica could be asked to have reached.
        throw new SQLException("the primary reports no position (is its binary log on?)");
      }
      return new ConsistencyToken(
          codec.databaseSet(), 0, written, now + settings.tokenTtlSeconds() * 1000L);
    } catch (SQLException | RuntimeException e) {
      LOG.warn(
          "cannot read the primary's {} after a commit ({}); the writer reads from the"
              + " primary for {} s instead",
          positions.describe(),
          e.getMessage(),
          settings.pinSeconds());
      return pinnedFrom(now);
    }
  }

  /** Reads on the primary for {@code pin_seconds} from {@code now}. */
  private ConsistencyToken pinnedFrom(long now) {
    long until = now + settings.pinSeconds() * 1000L;
    return new ConsistencyToken(codec.databaseSet(), until, ReplicationPosition.NONE, until);
  }
}
