package dev.balanced.it.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.UnpinnedWriteException;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PostgresCluster;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The routing scenarios on a real PostgreSQL primary with two hot standbys. A standby rejects
 * writes, row locks and {@code nextval}, so any misrouted statement fails the test by itself;
 * {@code pg_is_in_recovery()} and {@code inet_server_port()} show which node served a read.
 */
@PostgresCluster(standbys = 2)
class PostgresRoutingTest {
  private PgBalanced db;

  private PgBalanced start(PgCluster cluster, Map<String, Object> settings) {
    db = PgBalanced.start(cluster, settings);
    db.inTransaction(
        em -> {
          em.unwrap(BalancedSession.class).pin();
          em.persist(new Account("alice", 100));
        });
    cluster.waitForReplay(Duration.ofSeconds(30));
    return db;
  }

  @AfterEach
  void stop() {
    if (db != null) {
      db.close();
    }
  }

  private static Account alice(EntityManager em) {
    em.clear();
    return em.createQuery("from Account where owner = 'alice'", Account.class).getSingleResult();
  }

  @Test
  void readsGoToAStandbyAndWritesToThePrimary(PgCluster cluster) {
    start(cluster, Map.of());
    try (EntityManager em = db.emf.createEntityManager()) {
      assertTrue(PgBalanced.readsFromStandby(em));
      String engine = em.unwrap(BalancedSession.class).currentEngine();
      assertEquals(engine, db.node(PgBalanced.servingPort(em)).name());
      assertEquals(100, alice(em).getBalance());

      em.getTransaction().begin();
      Account bob = new Account("bob", 5); // nextval: refused by a standby
      em.persist(bob);
      em.getTransaction().commit();
      assertFalse(PgBalanced.readsFromStandby(em), "the write pinned the session");
      assertEquals(cluster.primary().port(), PgBalanced.servingPort(em));
    }
  }

  @Test
  void aTransactionThatReadFromAStandbyCommitsItsUpdateOnThePrimary(PgCluster cluster) {
    start(cluster, Map.of());
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertTrue(PgBalanced.readsFromStandby(em));
      Account alice = alice(em);
      alice.setBalance(150);
      em.getTransaction().commit();
    }
    try (EntityManager em = db.emf.createEntityManager()) {
      em.unwrap(BalancedSession.class).pin();
      assertEquals(150, alice(em).getBalance());
    }
  }

  @Test
  void bulkUpdatesNativeSequenceCallsAndLocksGoToThePrimary(PgCluster cluster) {
    start(cluster, Map.of());
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertEquals(
          1,
          em.createQuery("update Account set balance = 7 where owner = 'alice'").executeUpdate());
      em.getTransaction().commit();
    }
    try (EntityManager em = db.emf.createEntityManager()) {
      Number next =
          (Number) em.createNativeQuery("select nextval('account_seq')").getSingleResult();
      assertTrue(next.longValue() > 1);
    }
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      Account locked =
          em.createQuery("from Account where owner = 'alice'", Account.class)
              .setLockMode(LockModeType.PESSIMISTIC_WRITE)
              .getSingleResult();
      assertEquals(7, locked.getBalance());
      em.getTransaction().commit();
    }
  }

  @Test
  void strictModeRefusesUnpinnedWritesBeforeTheStandbyWould(PgCluster cluster) {
    start(cluster, Map.of("hibernate.balanced.mode", "strict"));
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertTrue(PgBalanced.readsFromStandby(em));
      UnpinnedWriteException refused =
          assertThrows(UnpinnedWriteException.class, () -> em.persist(new Account("carol", 1)));
      assertTrue(refused.getMessage().contains("persist of dev.balanced.it.pg.Account"));
      em.getTransaction().rollback();

      em.getTransaction().begin();
      em.unwrap(BalancedSession.class).pin();
      em.persist(new Account("carol", 1));
      em.getTransaction().commit();
    }
  }

  @Test
  void scopesSteerReadsToTheNamedNode(PgCluster cluster) {
    start(cluster, Map.of());
    try (EntityManager em = db.emf.createEntityManager()) {
      BalancedSession balanced = em.unwrap(BalancedSession.class);
      try (BalancedSession.Scope primary = balanced.usingEngine("master")) {
        assertEquals(cluster.primary().port(), PgBalanced.servingPort(em));
        try (BalancedSession.Scope standby2 = balanced.usingEngine("standby2")) {
          assertEquals(cluster.standby(2).port(), PgBalanced.servingPort(em));
        }
        assertEquals(cluster.primary().port(), PgBalanced.servingPort(em));
      }
      balanced.pin();
      try (BalancedSession.Scope replica = balanced.usingReplica()) {
        assertTrue(PgBalanced.readsFromStandby(em));
      }
      assertFalse(PgBalanced.readsFromStandby(em));
    }
  }

  @Test
  void readOnlySessionsStayOnTheirStandby(PgCluster cluster) {
    start(cluster, Map.of());
    SessionFactory sessionFactory = db.emf.unwrap(SessionFactory.class);
    try (Session session = sessionFactory.withOptions().readOnly(true).openSession()) {
      session.beginTransaction();
      int port = PgBalanced.servingPort(session);
      assertNotEquals(cluster.primary().port(), port);
      session.unwrap(BalancedSession.class).pin();
      assertEquals(port, PgBalanced.servingPort(session));
      assertEquals(100, alice(session).getBalance());
      session.getTransaction().commit();
    }
  }

  @Test
  void theSecondLevelCacheStaysCoherentAcrossNodes(PgCluster cluster) {
    start(
        cluster,
        Map.of(
            "hibernate.cache.use_second_level_cache", "true",
            "jakarta.persistence.sharedCache.mode", "ENABLE_SELECTIVE",
            "hibernate.cache.region.factory_class", "jcache",
            "hibernate.javax.cache.provider", "org.ehcache.jsr107.EhcacheCachingProvider",
            "hibernate.javax.cache.missing_cache_strategy", "create"));
    long id;
    try (EntityManager em = db.emf.createEntityManager()) {
      assertTrue(PgBalanced.readsFromStandby(em));
      id = alice(em).getId();
      em.find(Account.class, id); // cached through a standby session
    }
    db.cluster.pauseReplay(cluster.standby(1));
    db.cluster.pauseReplay(cluster.standby(2));
    try {
      db.inTransaction(
          em -> {
            em.unwrap(BalancedSession.class).pin();
            em.find(Account.class, id).setBalance(999);
          });
      // The standbys have not replayed the update; the cache must not serve the old value.
      try (EntityManager em = db.emf.createEntityManager()) {
        assertTrue(PgBalanced.readsFromStandby(em));
        assertEquals(999, em.find(Account.class, id).getBalance());
      }
    } finally {
      db.cluster.resumeReplay(cluster.standby(1));
      db.cluster.resumeReplay(cluster.standby(2));
    }
  }
}
