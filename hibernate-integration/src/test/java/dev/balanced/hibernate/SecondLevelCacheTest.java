package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.jpa.HibernateHints;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hibernate puts the tenant (here: the node) into second-level cache keys. Without Balanced's
 * node-agnostic keys, an entity cached from a replica read would survive a write through the
 * primary, and later replica sessions would keep reading the stale entry.
 */
class SecondLevelCacheTest {
  private BalancedH2 db;

  @BeforeEach
  void start() {
    db =
        BalancedH2.start(
            Map.of(
                "jakarta.persistence.sharedCache.mode", "ENABLE_SELECTIVE",
                "hibernate.cache.use_second_level_cache", "true",
                "hibernate.cache.region.factory_class", "jcache",
                "hibernate.javax.cache.provider", "org.ehcache.jsr107.EhcacheCachingProvider",
                "hibernate.javax.cache.missing_cache_strategy", "create",
                "hibernate.cache.use_query_cache", "true",
                "hibernate.generate_statistics", "true"),
            "replica1");
  }

  @AfterEach
  void stop() {
    db.close();
  }

  @Test
  void aWriteThroughThePrimaryUpdatesTheEntryCachedFromAReplica() {
    try (EntityManager em = db.emf.createEntityManager()) {
      assertEquals("item-1@replica1", em.find(Item.class, 1L).getName());
    }
    assertTrue(db.emf.getCache().contains(Item.class, 1L));

    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.unwrap(BalancedSession.class).pin();
      Item item = em.find(Item.class, 1L);
      item.setName("renamed on primary");
      em.getTransaction().commit();
    }
    assertEquals("renamed on primary", db.nameOnNode("primary", 1));

    // The replica still holds the old row, but a replica session must not see it through the cache.
    try (EntityManager em = db.emf.createEntityManager()) {
      assertEquals("replica1", em.unwrap(BalancedSession.class).currentEngine());
      assertEquals("renamed on primary", em.find(Item.class, 1L).getName());
    }
  }

  /** Query-cache keys hold the tenant: it must compare by node, not by session. */
  @Test
  void sessionsStartingOnTheSameNodeShareCachedQueryResults() {
    for (int i = 0; i < 2; i++) {
      try (EntityManager em = db.emf.createEntityManager()) {
        assertEquals(
            List.of("item-1@replica1"),
            em.createQuery("select i.name from Item i", String.class)
                .setHint(HibernateHints.HINT_CACHEABLE, true)
                .getResultList());
      }
    }
    Statistics statistics = db.emf.unwrap(SessionFactory.class).getStatistics();
    assertEquals(1, statistics.getQueryCachePutCount());
    assertEquals(1, statistics.getQueryCacheHitCount());
  }

  @Test
  void evictionByIdEvictsTheEntryOfEveryNode() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.find(Item.class, 1L);
    }
    db.emf.getCache().evict(Item.class, 1L);
    assertEquals(false, db.emf.getCache().contains(Item.class, 1L));
  }
}
