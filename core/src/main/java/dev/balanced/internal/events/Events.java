package dev.balanced.internal.events;

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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a runtime's listeners what it decided. With none registered, {@link #active()} is false and
 * the callers make no event at all, so routing pays nothing. A listener that throws is logged once
 * and ignored: it cannot break routing.
 */
public final class Events {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.events");

  /** No listeners. */
  public static final Events NONE = new Events(List.of());

  private final BalancedListener[] listeners;
  private final Set<BalancedListener> failed = ConcurrentHashMap.newKeySet();

  public Events(List<? extends BalancedListener> listeners) {
    this.listeners = listeners.toArray(new BalancedListener[0]);
  }

  /** Whether anyone listens; callers check it before they make an event. */
  public boolean active() {
    return listeners.length > 0;
  }

  public void started(List<String> nodes, Supplier<List<NodeStatus>> health) {
    Started event = new Started(nodes, health);
    for (BalancedListener listener : listeners) {
      try {
        listener.started(event);
      } catch (RuntimeException | LinkageError e) {
        failed(listener, event, e);
      }
    }
  }

  // One loop per kind of event, not one generic loop over a method reference: the routing path
  // calls these for every unit of work with metrics on, and a call site that sees one listener
  // method stays cheap.

  public void readNodeChosen(String node, String reason) {
    ReadNodeChosen event = new ReadNodeChosen(node, reason);
    for (BalancedListener listener : listeners) {
      try {
        listener.readNodeChosen(event);
      } catch (RuntimeException | LinkageError e) {
        failed(listener, event, e);
      }
    }
  }

  /** A pin by a write: its reason is put into words only if a listener asks. */
  public void pinnedByWrite(Object write, String operation, String entity) {
    tellPinned(
        new Pinned(PinKinds.WRITE_INTENT, () -> "write intent: " + write, operation, entity));
  }

  /** A pin for {@code reason}, as {@code PinningContext.pinReason()} says it. */
  public void pinned(String reason) {
    tellPinned(new Pinned(PinKinds.of(reason), reason, null, null));
  }

  private void tellPinned(Pinned event) {
    for (BalancedListener listener : listeners) {
      try {
        listener.pinned(event);
      } catch (RuntimeException | LinkageError e) {
        failed(listener, event, e);
      }
    }
  }

  public void writeRefused(String operation, String entity) {
    WriteRefused event = new WriteRefused(operation, entity);
    for (BalancedListener listener : listeners) {
      try {
        listener.writeRefused(event);
      } catch (RuntimeException | LinkageError e) {
        failed(listener, event, e);
      }
    }
  }

  public void switchedToPrimary(String from, String operation, String entity) {
    SwitchedToPrimary event = new SwitchedToPrimary(from, operation, entity);
    for (BalancedListener listener : listeners) {
      try {
        listener.switchedToPrimary(event);
      } catch (RuntimeException | LinkageError e) {
        failed(listener, event, e);
      }
    }
  }

  public void tokenDecided(TokenDecision.Outcome outcome, String node, long waitedNanos) {
    TokenDecision event = new TokenDecision(outcome, node, waitedNanos);
    for (BalancedListener listener : listeners) {
      try {
        listener.tokenDecided(event);
      } catch (RuntimeException | LinkageError e) {
        failed(listener, event, e);
      }
    }
  }

  public void nodeStateChanged(String node, NodeState from, NodeState to, long lagMs) {
    NodeStateChanged event = new NodeStateChanged(node, from, to, lagMs);
    for (BalancedListener listener : listeners) {
      try {
        listener.nodeStateChanged(event);
      } catch (RuntimeException | LinkageError e) {
        failed(listener, event, e);
      }
    }
  }

  private void failed(BalancedListener listener, Object event, Throwable e) {
    if (failed.add(listener)) {
      LOG.warn(
          "listener {} failed on {} and is ignored when it fails again: {}",
          listener.getClass().getName(),
          event,
          e.toString());
    }
  }
}
