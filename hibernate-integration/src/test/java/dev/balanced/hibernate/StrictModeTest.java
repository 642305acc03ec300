package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.UnpinnedWriteException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.RollbackException;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Strict mode: an unpinned write is refused before any of its SQL reaches a database. */
class StrictModeTest {
  private BalancedH2 db;

  @BeforeEach
  void start() {
    db = BalancedH2.start(Map.of("hibernate.balanced.mode", "strict"), "replica1");
  }

  @AfterEach
  void stop() {
    db.close();
  }

  /** H2 keeps the next value of a sequence in BASE_VALUE; a nextval would move it. */
  private long nextSequenceValue(String node) {
    return ((Number)
            db.nodes.queryOne(
                node,
                "select base_value from information_schema.sequences where sequence_name = 'NODE_SEQ'"))
        .longValue();
  }

  @Test
  void anUnpinnedPersistIsRefusedBeforeTheSequenceIsCalled() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      UnpinnedWriteException refused =
          assertThrows(UnpinnedWriteException.class, () -> em.persist(new Item("x")));
      assertTrue(
          refused.getMessage().contains("persist of dev.balanced.hibernate.Item"),
          refused.getMessage());
      assertTrue(refused.getMessage().contains("pin()"), refused.getMessage());
      em.getTransaction().rollback();
    }
    assertEquals(1000L, nextSequenceValue("primary"));
    assertEquals(2000L, nextSequenceValue("replica1"));
    assertEquals(1L, db.nodes.count("primary", "item"));
  }

  @Test
  void anUnpinnedLockingFindIsRefusedNamingItsLock() {
    assertRefusedNaming(
        em -> em.find(Item.class, 1L, LockModeType.PESSIMISTIC_WRITE),
        "PESSIMISTIC_WRITE lock of dev.balanced.hibernate.Item#1");
  }

  /** No event shows a query's lock: its SQL does, and the refusal says so. */
  @Test
  void anUnpinnedLockingQueryIsRefusedNamingItsLock() {
    assertRefusedNaming(
        em ->
            em.createQuery("select i from Item i where i.id = 1", Item.class)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList(),
        "'select ... for update");
  }

  @Test
  void anUnpinnedFindWithAForcedVersionIncrementIsRefusedBeforeItReads() {
    assertRefusedNaming(
        em -> em.find(Item.class, 1L, LockModeType.OPTIMISTIC_FORCE_INCREMENT),
        "OPTIMISTIC_FORCE_INCREMENT lock of dev.balanced.hibernate.Item#1");
  }

  /** Its check at commit must read the primary, so it needs the pin a write would. */
  @Test
  void anUnpinnedFindWithAnOptimisticLockIsRefusedBeforeItReads() {
    assertRefusedNaming(
        em -> em.find(Item.class, 1L, LockModeType.OPTIMISTIC),
        "OPTIMISTIC lock of dev.balanced.hibernate.Item#1");
  }

  /** A query's optimistic lock shows only as its rows load: refused then, before commit. */
  @Test
  void anUnpinnedQueryWithAnOptimisticLockIsRefusedAsItsRowsLoad() {
    assertRefusedNaming(
        em -> BalancedH2.item1ByQuery(em, LockModeType.OPTIMISTIC),
        "OPTIMISTIC lock of dev.balanced.hibernate.Item#1");
  }

  @Test
  void aPinnedQueryWithAnOptimisticLockReadsAndVerifiesOnThePrimary() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.unwrap(BalancedSession.class).pin();
      em.getTransaction().begin();
      Item item = BalancedH2.item1ByQuery(em, LockModeType.OPTIMISTIC);
      assertEquals("item-1@primary", item.getName());
      db.assertCommitFailsAfterAnotherWriterChangedItem1(em);
    }
  }

  /**
   * Runs {@code work} in a transaction of an unpinned entity manager and checks that it is refused
   * as an unpinned write whose message contains {@code named}.
   */
  private void assertRefusedNaming(Consumer<EntityManager> work, String named) {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      RuntimeException failed = assertThrows(RuntimeException.class, () -> work.accept(em));
      UnpinnedWriteException refused = unpinnedWrite(failed);
      assertTrue(refused.getMessage().contains(named), refused.getMessage());
      em.getTransaction().rollback();
    }
  }

  /** Item is versioned: a changed collection updates the owner's version first. */
  @Test
  void anUnpinnedCollectionChangeIsRefusedAtFlush() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.find(Item.class, 1L).getTags().add("red");
      RollbackException failed =
          assertThrows(RollbackException.class, () -> em.getTransaction().commit());
      UnpinnedWriteException refused = unpinnedWrite(failed);
      assertTrue(
          refused.getMessage().contains("update of dev.balanced.hibernate.Item#1"),
          refused.getMessage());
    }
    assertEquals(0L, db.nodes.count("primary", "item_tags"));
    assertEquals(0L, db.nodes.count("replica1", "item_tags"));
  }

  /** The refusal, wherever Hibernate wrapped it. */
  private static UnpinnedWriteException unpinnedWrite(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnpinnedWriteException refused) {
        return refused;
      }
    }
    throw new AssertionError("not refused as an unpinned write", failure);
  }

  @Test
  void anUnpinnedDirtyEntityIsRefusedAtFlush() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.find(Item.class, 1L).setName("changed");
      RollbackException failed =
          assertThrows(RollbackException.class, () -> em.getTransaction().commit());
      assertTrue(failed.getCause() instanceof UnpinnedWriteException, String.valueOf(failed));
      assertTrue(
          failed.getCause().getMessage().contains("update of dev.balanced.hibernate.Item#1"),
          failed.getCause().getMessage());
    }
    assertEquals("item-1@primary", db.nameOnNode("primary", 1));
    assertEquals("item-1@replica1", db.nameOnNode("replica1", 1));
  }

  @Test
  void anUnpinnedBulkUpdateIsRefused() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      RuntimeException refused =
          assertThrows(
              RuntimeException.class,
              () -> em.createQuery("update Item set name = 'bulk'").executeUpdate());
      assertTrue(
          causeChainContains(refused, UnpinnedWriteException.class), String.valueOf(refused));
      em.getTransaction().rollback();
    }
    assertEquals("item-1@primary", db.nameOnNode("primary", 1));
  }

  @Test
  void writesSucceedAfterPin() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.unwrap(BalancedSession.class).pin();
      Item item = em.find(Item.class, 1L);
      assertEquals("item-1@primary", item.getName());
      item.setName("changed");
      em.persist(new Item("new"));
      em.getTransaction().commit();
    }
    assertEquals("changed", db.nameOnNode("primary", 1));
    assertEquals("new", db.nameOnNode("primary", 1000));
  }

  @Test
  void writesSucceedInsideAPrimaryScopeWithoutPinning() {
    try (EntityManager em = db.emf.createEntityManager()) {
      BalancedSession balanced = em.unwrap(BalancedSession.class);
      em.getTransaction().begin();
      try (BalancedSession.Scope master = balanced.usingEngine("master")) {
        em.persist(new Item("audit"));
        em.flush();
      }
      em.getTransaction().commit();
      assertEquals(false, balanced.isPinned());
      assertEquals("replica1", balanced.currentEngine());
    }
    assertEquals("audit", db.nameOnNode("primary", 1000));
  }

  @Test
  void aPersistApprovedInAPrimaryScopeMayBeFlushedAtCommitAfterTheScope() {
    try (EntityManager em = db.emf.createEntityManager()) {
      BalancedSession balanced = em.unwrap(BalancedSession.class);
      em.getTransaction().begin();
      try (BalancedSession.Scope primary = balanced.usingEngine("primary")) {
        em.persist(new Item("deferred"));
      }
      em.getTransaction().commit();
    }
    assertEquals("deferred", db.nameOnNode("primary", 1000));
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertThrows(UnpinnedWriteException.class, () -> em.persist(new Item("next transaction")));
      em.getTransaction().rollback();
    }
  }

  static boolean causeChainContains(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
