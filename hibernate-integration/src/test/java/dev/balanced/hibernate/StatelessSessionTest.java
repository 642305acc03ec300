package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.PinningContext;
import dev.balanced.UnpinnedWriteException;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stateless sessions, the usual choice for reports and batch jobs, read from a replica like any
 * other unit of work. They fire no persist event, so their writes are caught by their SQL: greedy
 * mode pins on the {@code nextval} or INSERT, strict mode refuses it.
 */
class StatelessSessionTest {
  private BalancedH2 db;

  private SessionFactory start(Map<String, Object> settings) {
    db = BalancedH2.start(settings, "replica1");
    return db.emf.unwrap(SessionFactory.class);
  }

  @AfterEach
  void stop() {
    db.close();
  }

  @Test
  void aStatelessSessionReadsFromTheReplica() {
    SessionFactory factory = start(Map.of());
    try (StatelessSession session = factory.openStatelessSession()) {
      assertEquals("item-1@replica1", session.get(Item.class, 1L).getName());
    }
    assertEquals(
        "item-1@replica1",
        factory.fromStatelessTransaction(session -> session.get(Item.class, 1L).getName()));
  }

  @Test
  void aStatelessInsertGoesToThePrimaryAndPinsTheSession() {
    SessionFactory factory = start(Map.of());
    try (PinningContext request = PinningContext.open();
        StatelessSession session = factory.openStatelessSession()) {
      session.beginTransaction();
      assertEquals("item-1@replica1", session.get(Item.class, 1L).getName());
      Item item = new Item("batch");
      session.insert(item);
      session.getTransaction().commit();
      // node_seq starts at 1000 on the primary and 2000 on replica1.
      assertEquals(1000L, item.getId());
      assertTrue(request.isPinned());
      assertEquals("item-1@primary", session.get(Item.class, 1L).getName());
    }
    assertEquals("batch", db.nameOnNode("primary", 1000));
    assertNull(db.nameOnNode("replica1", 1000));
  }

  @Test
  void strictModeRefusesAnUnpinnedStatelessInsert() {
    SessionFactory factory = start(Map.of("hibernate.balanced.mode", "strict"));
    try (StatelessSession session = factory.openStatelessSession()) {
      session.beginTransaction();
      RuntimeException failed =
          assertThrows(RuntimeException.class, () -> session.insert(new Item("refused")));
      assertTrue(hasCause(failed, UnpinnedWriteException.class), failed.toString());
      session.getTransaction().rollback();
    }
    assertEquals(1L, db.nodes.count("primary", "item"));

    try (PinningContext job = PinningContext.open();
        StatelessSession session = factory.openStatelessSession()) {
      job.pin("batch job");
      session.beginTransaction();
      session.insert(new Item("allowed"));
      session.getTransaction().commit();
    }
    assertEquals(2L, db.nodes.count("primary", "item"));
  }

  private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
