package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hibernate 7.2+ read-only sessions stay on their replica. */
class ReadOnlySessionTest {
  private BalancedH2 db;
  private SessionFactory sessionFactory;

  @BeforeEach
  void start() {
    db = BalancedH2.start(Map.of(), "replica1");
    sessionFactory = db.emf.unwrap(SessionFactory.class);
  }

  @AfterEach
  void stop() {
    db.close();
  }

  @Test
  void aReadOnlySessionReadsFromTheReplicaEvenWhenPinned() {
    try (Session session = sessionFactory.withOptions().readOnly(true).openSession()) {
      BalancedSession balanced = session.unwrap(BalancedSession.class);
      session.beginTransaction();
      assertEquals("item-1@replica1", session.find(Item.class, 1L).getName());
      balanced.pin();
      session.clear();
      assertEquals("item-1@replica1", session.find(Item.class, 1L).getName());
      assertEquals("replica1", balanced.currentEngine());
      session.getTransaction().commit();
    }
  }

  @Test
  void aReadOnlySessionRefusesBulkWrites() {
    try (Session session = sessionFactory.withOptions().readOnly(true).openSession()) {
      session.beginTransaction();
      RuntimeException refused =
          assertThrows(
              RuntimeException.class,
              () -> session.createMutationQuery("update Item set name = 'x'").executeUpdate());
      assertTrue(
          StrictModeTest.causeChainContains(refused, IllegalStateException.class),
          String.valueOf(refused));
      session.getTransaction().rollback();
    }
    assertEquals("item-1@primary", db.nameOnNode("primary", 1));
    assertEquals("item-1@replica1", db.nameOnNode("replica1", 1));
  }

  @Test
  void aNormalSessionFromTheBuilderIsBalanced() {
    try (Session session = sessionFactory.withOptions().openSession()) {
      assertInstanceOf(BalancedSession.class, session.unwrap(BalancedSession.class));
      assertEquals("item-1@replica1", session.find(Item.class, 1L).getName());
      session.beginTransaction();
      session.persist(new Item("from builder"));
      session.getTransaction().commit();
    }
    assertEquals("from builder", db.nameOnNode("primary", 1000));
  }
}
