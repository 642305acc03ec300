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
import java.util.function.BiConsumer;
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

  public void started(List<String> nodes, java.util.function.Supplier<List<NodeStatus>> health) {
    tell(new Started(nodes, health), BalancedListener::started);
  }

  public void readNodeChosen(String node, String reason) {
    tell(new ReadNodeChosen(node, reason), BalancedListener::readNodeChosen);
  }

  /**
   * @param reason the pin reason, as {@code PinningContext.pinReason()} says it
   * @param operation the write's operation, {@code null} for a pin that is not a write
   * @param entity the written entity, {@code null} when none
   */
  public void pinned(String reason, String operation, String entity) {
    tell(new Pinned(PinKinds.of(reason), reason, operation, entity), BalancedListener::pinned);
  }

  public void writeRefused(String operation, String entity) {
    tell(new WriteRefused(operation, entity), BalancedListener::writeRefused);
  }

  public void switchedToPrimary(String from, String operation, String entity) {
    tell(new SwitchedToPrimary(from, operation, entity), BalancedListener::switchedToPrimary);
  }

  public void tokenDecided(TokenDecision.Outcome outcome, String node, long waitedNanos) {
    tell(new TokenDecision(outcome, node, waitedNanos), BalancedListener::tokenDecided);
  }

  public void nodeStateChanged(String node, NodeState from, NodeState to, long lagMs) {
    tell(new NodeStateChanged(node, from, to, lagMs), BalancedListener::nodeStateChanged);
  }

  private <E> void tell(E event, BiConsumer<BalancedListener, E> method) {
    for (BalancedListener listener : listeners) {
      try {
        method.accept(listener, event);
      } catch (RuntimeException | LinkageError e) {
        if (failed.add(listener)) {
          LOG.warn(
              "listener {} failed on {} and is ignored when it fails again: {}",
              listener.getClass().getName(),
              event,
              e.toString());
        }
      }
    }
  }
}
