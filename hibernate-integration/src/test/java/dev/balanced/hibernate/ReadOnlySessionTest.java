package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.ReadOnlyWriteException;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.util.Map;
import org.hibernate.FlushMode;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionImplementor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hibernate 7.2+ read-only sessions stay on their replica; a transaction made read-only as Spring's
 * {@code @Transactional(readOnly = true)} makes it refuses writes and routes its reads as any
 * transaction's.
 */
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

  /**
   * What Spring's HibernateJpaDialect does at the start of a read-only transaction, on the session
   * that {@code unwrap(SessionImplementor.class)} gives, and undoes at its end.
   */
  private static Connection beginSpringReadOnly(EntityManager em) throws Exception {
    SessionImplementor session = em.unwrap(SessionImplementor.class);
    Connection connection =
        session.getJdbcCoordinator().getLogicalConnection().getPhysicalConnection();
    connection.setReadOnly(true);
    em.getTransaction().begin();
    session.setDefaultReadOnly(true);
    session.setHibernateFlushMode(FlushMode.MANUAL);
    return connection;
  }

  @Test
  void aSpringReadOnlyTransactionReadsFromTheReplicaAndRefusesWrites() throws Exception {
    try (EntityManager em = db.emf.createEntityManager()) {
      beginSpringReadOnly(em);
      assertEquals("item-1@replica1", em.find(Item.class, 1L).getName());
      ReadOnlyWriteException refused =
          assertThrows(ReadOnlyWriteException.class, () -> em.persist(new Item("refused")));
      assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
      assertEquals("replica1", em.unwrap(BalancedSession.class).currentEngine());
      em.getTransaction().rollback();
    }
    assertEquals(null, db.nameOnNode("primary", 1000));
  }

  @Test
  void theSessionsReadOnlyDefaultAloneRefusesWrites() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.unwrap(SessionImplementor.class).setDefaultReadOnly(true);
      assertThrows(ReadOnlyWriteException.class, () -> em.persist(new Item("refused")));
      // JPA marked the transaction for rollback when persist threw: the write goes in a new one.
      em.getTransaction().rollback();
      em.unwrap(SessionImplementor.class).setDefaultReadOnly(false);
      em.getTransaction().begin();
      em.persist(new Item("allowed"));
      em.getTransaction().commit();
    }
    assertEquals(
        1L, db.nodes.queryOne("primary", "select count(*) from item where name = 'allowed'"));
  }

  @Test
  void aReadWriteTransactionAfterAReadOnlyOneInTheSameSessionWrites() throws Exception {
    // Open-in-view: one entity manager for the request, a read-only transaction, then a write.
    try (EntityManager em = db.emf.createEntityManager()) {
      beginSpringReadOnly(em);
      em.find(Item.class, 1L);
      em.getTransaction().commit();
      // Spring's reset of the session. Not of the connection: Hibernate released it at commit,
      // and Spring resets only one still held (spring-framework #35743).
      em.unwrap(SessionImplementor.class).setDefaultReadOnly(false);
      em.unwrap(SessionImplementor.class).setHibernateFlushMode(FlushMode.AUTO);
      em.getTransaction().begin();
      em.persist(new Item("after read-only"));
      em.getTransaction().commit();
    }
    assertEquals("after read-only", db.nameOnNode("primary", 1000));
  }
}
