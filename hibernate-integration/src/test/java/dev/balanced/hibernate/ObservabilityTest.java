package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.events.BalancedListener;
import dev.balanced.events.NodeState;
import dev.balanced.events.NodeStatus;
import dev.balanced.events.Pinned;
import dev.balanced.events.ReadNodeChosen;
import dev.balanced.events.SwitchedToPrimary;
import dev.balanced.metrics.BalancedMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Listeners, metrics and health through Hibernate, as an application registers them. */
class ObservabilityTest {

  /** What a user's own listener records. */
  static final class Recorder implements BalancedListener {
    final List<Object> events = new CopyOnWriteArrayList<>();

    @Override
    public void readNodeChosen(ReadNodeChosen event) {
      events.add(event);
    }

    @Override
    public void pinned(Pinned event) {
      events.add(event);
    }

    @Override
    public void switchedToPrimary(SwitchedToPrimary event) {
      events.add(event);
    }
  }

  @Test
  void entityWritesAreToldWithTheirOperationAndEntity() {
    Recorder recorder = new Recorder();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (BalancedH2 db =
        BalancedH2.start(
            Map.of(
                "hibernate.balanced.listeners", List.of(recorder, new BalancedMetrics(registry))),
            "replica1")) {
      EntityManager em = db.emf.createEntityManager();
      try {
        em.getTransaction().begin();
        Item item = em.find(Item.class, 1L);
        assertEquals("item-1@replica1", item.getName());
        item.setName("renamed");
        em.getTransaction().commit();
      } finally {
        em.close();
      }
      assertEquals(new ReadNodeChosen("replica1", "selector"), recorder.events.get(0));
      Pinned pinned = (Pinned) recorder.events.get(1);
      assertEquals("write intent", pinned.kind());
      assertEquals(Item.class.getName(), pinned.entity());
      assertEquals(
          new SwitchedToPrimary("replica1", pinned.operation(), Item.class.getName()),
          recorder.events.get(2));
      assertEquals(
          1.0,
          registry
              .get("balanced.pins")
              .tags("kind", "write intent", "operation", pinned.operation())
              .counter()
              .count());
      assertTrue(
          registry.find("hikaricp.connections").tag("pool", "balanced-replica1").gauge() != null,
          "the pools report through HikariCP's own metrics");
    }
  }

  @Test
  void healthIsOneCallAway() {
    try (BalancedH2 db = BalancedH2.start(Map.of(), "replica1", "replica2")) {
      EntityManager em = db.emf.createEntityManager();
      try {
        List<NodeStatus> health = em.unwrap(BalancedSession.class).health();
        assertEquals(
            List.of("primary", "replica1", "replica2"),
            health.stream().map(NodeStatus::name).toList());
        assertTrue(health.stream().allMatch(node -> node.state() == NodeState.UP));
      } finally {
        em.close();
      }
    }
  }
}
