package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Greedy mode (the default): reads on a replica until the first write intent, then the primary. */
class GreedyRoutingTest {
  private BalancedH2 db;

  @BeforeEach
  void start() {
    db = BalancedH2.start(Map.of(), "replica1");
  }

  @AfterEach
  void stop() {
    db.close();
  }

  @Test
  void readsGoToTheReplica() {
    try (EntityManager em = db.emf.createEntityManager()) {
      assertEquals("item-1@replica1", em.find(Item.class, 1L).getName());
      assertEquals("replica1", em.unwrap(BalancedSession.class).currentEngine());
      assertEquals("selector", em.unwrap(BalancedSession.class).routeReason());
      assertFalse(em.unwrap(BalancedSession.class).isPinned());
    }
  }

  @Test
  void persistPinsBeforeTheSequenceIsCalled() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      Item item = new Item("new");
      em.persist(item);
      // node_seq starts at 1000 on the primary and 2000 on replica1.
      assertEquals(1000L, item.getId());
      assertTrue(item.prePersistCalled(), "JPA callbacks still run");
      em.getTransaction().commit();
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
      assertEquals(
          "pin: write intent: persist of dev.balanced.hibernate.Item",
          em.unwrap(BalancedSession.class).routeReason());
      Item loaded = em.find(Item.class, 1L);
      assertEquals("item-1@primary", loaded.getName());
      assertTrue(loaded.postLoadCalled(), "JPA callbacks still run");
    }
    assertEquals("new", db.nameOnNode("primary", 1000));
    assertNull(db.nameOnNode("replica1", 1000));
  }

  @Test
  void aTransactionThatReadFromTheReplicaCommitsItsUpdateOnThePrimary() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      Item item = em.find(Item.class, 1L);
      assertEquals("item-1@replica1", item.getName());
      item.setName("renamed");
      em.getTransaction().commit();
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
    }
    assertEquals("renamed", db.nameOnNode("primary", 1));
    assertEquals("item-1@replica1", db.nameOnNode("replica1", 1));
  }

  @Test
  void aRolledBackWriteLeavesNoTrace() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.find(Item.class, 1L).setName("renamed");
      em.flush();
      em.getTransaction().rollback();
    }
    assertEquals("item-1@primary", db.nameOnNode("primary", 1));
  }

  @Test
  void pessimisticLocksGoToThePrimary() {
    assertEquals("item-1@primary", nameFoundWithLock(LockModeType.PESSIMISTIC_WRITE));
  }

  /**
   * The version increment is an UPDATE at commit that checks the version read: read from a lagging
   * replica, it would fail as a conflict no one caused.
   */
  @Test
  void aFindWithAForcedVersionIncrementReadsFromThePrimary() {
    assertEquals("item-1@primary", nameFoundWithLock(LockModeType.OPTIMISTIC_FORCE_INCREMENT));
    assertEquals(
        1,
        ((Number) db.nodes.queryOne("primary", "select version from item where id = 1"))
            .intValue());
  }

  /**
   * An optimistic lock promises that what was read is still current at commit. Hibernate checks by
   * reading the version again before commit: on a lagging replica that check would pass against a
   * row the primary has already changed.
   */
  @Test
  void aFindWithAnOptimisticLockReadsAndVerifiesOnThePrimary() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertEquals("item-1@primary", em.find(Item.class, 1L, LockModeType.OPTIMISTIC).getName());
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
      assertEquals(
          "pin: write intent: OPTIMISTIC lock of dev.balanced.hibernate.Item#1",
          em.unwrap(BalancedSession.class).routeReason());
      db.assertCommitFailsAfterAnotherWriterChangedItem1(em);
    }
  }

  @Test
  void anOptimisticLockOnAnEntityReadFromTheReplicaIsVerifiedOnThePrimary() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      Item item = em.find(Item.class, 1L);
      assertEquals("item-1@replica1", item.getName());
      em.lock(item, LockModeType.OPTIMISTIC);
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
      db.assertCommitFailsAfterAnotherWriterChangedItem1(em);
    }
  }

  /**
   * A query's lock mode fires no event before its SQL, which has no lock clause for {@code
   * OPTIMISTIC}: the rows come from the replica, and the pin taken as they load sends the check to
   * the primary, where a change since shows.
   */
  @Test
  void aQueryWithAnOptimisticLockIsVerifiedOnThePrimary() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      Item item = BalancedH2.item1ByQuery(em, LockModeType.OPTIMISTIC);
      assertEquals("item-1@replica1", item.getName());
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
      db.assertCommitFailsAfterAnotherWriterChangedItem1(em);
    }
  }

  @Test
  void anUnchangedRowPassesTheOptimisticCheck() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      BalancedH2.item1ByQuery(em, LockModeType.OPTIMISTIC);
      em.getTransaction().commit();
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
    }
  }

  @Test
  void queriesWithoutALockDoNotPin() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertEquals(
          "item-1@replica1",
          em.createQuery("select i from Item i where i.id = 1", Item.class)
              .getSingleResult()
              .getName());
      em.getTransaction().commit();
      assertFalse(em.unwrap(BalancedSession.class).isPinned());
    }
  }

  /**
   * The name of item 1 as a {@code find} with {@code lock} reads it, in a committed transaction.
   */
  private String nameFoundWithLock(LockModeType lock) {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      String name = em.find(Item.class, 1L, lock).getName();
      em.getTransaction().commit();
      return name;
    }
  }

  @Test
  void bulkUpdatesGoToThePrimaryAndPin() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertEquals("item-1@replica1", em.find(Item.class, 1L).getName());
      int updated = em.createQuery("update Item set name = 'bulk' where id = 1").executeUpdate();
      assertEquals(1, updated);
      em.getTransaction().commit();
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
    }
    assertEquals("bulk", db.nameOnNode("primary", 1));
    assertEquals("item-1@replica1", db.nameOnNode("replica1", 1));
  }

  @Test
  void sessionsOpenedThroughTheFactoryOfASessionAreBalancedToo() {
    try (EntityManager em = db.emf.createEntityManager()) {
      try (EntityManager other = em.getEntityManagerFactory().createEntityManager()) {
        assertNotNull(other.unwrap(BalancedSession.class));
        assertEquals("item-1@replica1", other.find(Item.class, 1L).getName());
      }
    }
  }

  @Test
  void removeAndMergePin() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.remove(em.find(Item.class, 1L));
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
      em.getTransaction().commit();
    }
    assertNull(db.nameOnNode("primary", 1));
    assertEquals("item-1@replica1", db.nameOnNode("replica1", 1));

    Item detached;
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.persist(new Item("to-merge"));
      em.getTransaction().commit();
      detached = em.createQuery("from Item where name = 'to-merge'", Item.class).getSingleResult();
    }
    detached.setName("merged");
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.merge(detached);
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
      em.getTransaction().commit();
    }
    assertEquals("merged", db.nameOnNode("primary", detached.getId()));
  }

  @Test
  void aDirtyCollectionPins() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.find(Item.class, 1L).getTags().add("red");
      em.getTransaction().commit();
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
    }
    assertEquals(1L, db.nodes.count("primary", "item_tags"));
    assertEquals(0L, db.nodes.count("replica1", "item_tags"));
  }

  @Test
  void nativeUpdatesAndSequenceCallsGoToThePrimary() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.createNativeQuery("update item set name = 'native' where id = 1").executeUpdate();
      em.getTransaction().commit();
    }
    assertEquals("native", db.nameOnNode("primary", 1));
    try (EntityManager em = db.emf.createEntityManager()) {
      Number next =
          (Number) em.createNativeQuery("select next value for node_seq").getSingleResult();
      assertEquals(1000L, next.longValue());
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
    }
  }

  @Test
  void lockingQueriesGoToThePrimary() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      Item item =
          em.createQuery("from Item where id = 1", Item.class)
              .setLockMode(LockModeType.PESSIMISTIC_WRITE)
              .getSingleResult();
      assertEquals("item-1@primary", item.getName());
      em.getTransaction().commit();
    }
  }

  @Test
  void aPinRightAfterBeginSendsTheFirstReadToThePrimary() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.unwrap(BalancedSession.class).pin();
      assertEquals("item-1@primary", em.find(Item.class, 1L).getName());
      em.getTransaction().commit();
    }
  }

  @Test
  void readsAfterTheWriteInTheSameTransactionSeeTheWrite() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertEquals("item-1@replica1", em.find(Item.class, 1L).getName());
      em.persist(new Item("fresh"));
      em.flush();
      em.clear();
      assertEquals(
          1L,
          em.createQuery("select count(i) from Item i where i.name = 'fresh'", Long.class)
              .getSingleResult());
      assertEquals("item-1@primary", em.find(Item.class, 1L).getName());
      em.getTransaction().commit();
    }
  }
}
