package dev.balanced.it.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import dev.balanced.PrimaryUnavailableException;
import dev.balanced.UnpinnedWriteException;
import dev.balanced.it.pg.Account;
import dev.balanced.testing.CapturedLog;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.RollbackException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The routing scenarios, run on every replicated database Balanced supports (a subclass per
 * database and driver gives the {@link ReplicatedDatabase}). Replicas are read-only to the
 * application's user, so a write, a sequence call or DDL sent to one fails the test by itself;
 * where a replica would quietly accept a statement (a MariaDB replica takes {@code SELECT ... FOR
 * UPDATE}), the test asks the connection which server it is on.
 */
public abstract class RoutingScenarios {
  private final ReplicatedDatabase database;
  private BalancedFactory db;

  protected RoutingScenarios(ReplicatedDatabase database) {
    this.database = database;
  }

  private BalancedFactory start(Map<String, Object> settings) {
    db = BalancedFactory.start(database, settings);
    db.inTransaction(
        em -> {
          em.unwrap(BalancedSession.class).pin();
          em.persist(new Account("alice", 100));
        });
    database.awaitReplicas();
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

  private int primaryPort() {
    return database.port("primary");
  }

  private List<String> replicas() {
    return database.replicaNames();
  }

  @Test
  void readsGoToAReplicaAndWritesToThePrimary() {
    start(Map.of());
    try (EntityManager em = db.emf.createEntityManager()) {
      assertTrue(db.readsFromReplica(em));
      String engine = em.unwrap(BalancedSession.class).currentEngine();
      assertEquals(engine, db.nodeAt(db.serverPort(em)));
      assertEquals(100, alice(em).getBalance());

      em.getTransaction().begin();
      Account bob = new Account("bob", 5); // a sequence call: refused by a replica
      em.persist(bob);
      em.getTransaction().commit();
      assertFalse(db.readsFromReplica(em), "the write pinned the session");
      assertEquals(primaryPort(), db.serverPort(em));
    }
  }

  @Test
  void readsComeFromAReplicaThatLacksARowThePrimaryHas() {
    start(Map.of());
    replicas().forEach(database::pauseReplay);
    try {
      db.inTransaction(em -> em.persist(new Account("late", 1)));
      try (EntityManager em = db.emf.createEntityManager()) {
        assertTrue(
            em.createQuery("from Account where owner = 'late'", Account.class)
                .getResultList()
                .isEmpty(),
            "an unpinned unit of work reads from a paused replica");
        em.unwrap(BalancedSession.class).pin();
        assertEquals(
            1,
            em.createQuery("from Account where owner = 'late'", Account.class)
                .getResultList()
                .size());
      }
    } finally {
      replicas().forEach(database::resumeReplay);
    }
  }

  @Test
  void identityAndSequenceIdsComeFromThePrimary() {
    start(Map.of());
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertTrue(db.readsFromReplica(em));
      Entry entry = new Entry("first");
      em.persist(entry); // IDENTITY: inserted at once, on the primary
      assertNotNull(entry.getId());
      Account carol = new Account("carol", 3);
      em.persist(carol); // SEQUENCE: next value from the primary
      assertNotNull(carol.getId());
      em.getTransaction().commit();
    }
    try (EntityManager em = db.emf.createEntityManager()) {
      Number next =
          (Number) em.createNativeQuery(database.nextValueQuery("account_seq")).getSingleResult();
      assertTrue(next.longValue() > 1);
      assertFalse(db.readsFromReplica(em), "a sequence call pins");
    }
  }

  @Test
  void aTransactionThatReadFromAReplicaCommitsItsUpdateOnThePrimary() {
    start(Map.of());
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertTrue(db.readsFromReplica(em));
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
  void mergeRemoveBulkAndNativeWritesGoToThePrimary() {
    start(Map.of());
    Account detached;
    try (EntityManager em = db.emf.createEntityManager()) {
      detached = alice(em);
    }
    detached.setBalance(42);
    db.inTransaction(em -> em.merge(detached));
    db.inTransaction(em -> em.persist(new Account("doomed", 1)));
    database.awaitReplicas();
    db.inTransaction(
        em ->
            em.remove(
                em.createQuery("from Account where owner = 'doomed'", Account.class)
                    .getSingleResult()));
    db.inTransaction(
        em ->
            assertEquals(
                1,
                em.createQuery("update Account set balance = balance + 1 where owner = 'alice'")
                    .executeUpdate()));
    db.inTransaction(
        em ->
            assertEquals(
                1,
                em.createNativeQuery(
                        "update Account set balance = balance + 1 where owner = 'alice'")
                    .executeUpdate()));
    try (EntityManager em = db.emf.createEntityManager()) {
      em.unwrap(BalancedSession.class).pin();
      assertEquals(44, alice(em).getBalance());
      assertTrue(
          em.createQuery("from Account where owner = 'doomed'", Account.class)
              .getResultList()
              .isEmpty());
    }
  }

  @Test
  void pessimisticLocksAreTakenOnThePrimary() {
    start(Map.of());
    for (LockModeType mode :
        List.of(LockModeType.PESSIMISTIC_WRITE, LockModeType.PESSIMISTIC_READ)) {
      for (Integer timeoutMs : new Integer[] {null, 0, -2}) { // wait, NOWAIT, SKIP LOCKED
        try (EntityManager em = db.emf.createEntityManager()) {
          em.getTransaction().begin();
          var query =
              em.createQuery("from Account where owner = 'alice'", Account.class).setLockMode(mode);
          if (timeoutMs != null) {
            query.setHint("jakarta.persistence.lock.timeout", timeoutMs);
          }
          assertEquals(100, query.getSingleResult().getBalance());
          assertEquals(
              primaryPort(),
              db.serverPort(em),
              mode + " with timeout " + timeoutMs + " was not taken on the primary");
          em.getTransaction().commit();
        }
      }
    }
  }

  @Test
  void optimisticLockingComparesVersionsOnThePrimary() {
    start(Map.of());
    try (EntityManager first = db.emf.createEntityManager();
        EntityManager second = db.emf.createEntityManager()) {
      first.getTransaction().begin();
      second.getTransaction().begin();
      Account a = alice(first);
      Account b = alice(second);
      a.setBalance(1);
      first.getTransaction().commit();
      b.setBalance(2);
      RollbackException e = assertThrows(RollbackException.class, second.getTransaction()::commit);
      assertTrue(e.getCause() instanceof OptimisticLockException, e.toString());
    }
    try (EntityManager em = db.emf.createEntityManager()) {
      em.unwrap(BalancedSession.class).pin();
      assertEquals(1, alice(em).getBalance());
    }
  }

  @Test
  void strictModeRefusesUnpinnedWritesBeforeTheReplicaWould() {
    start(Map.of("hibernate.balanced.mode", "strict"));
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertTrue(db.readsFromReplica(em));
      UnpinnedWriteException refused =
          assertThrows(UnpinnedWriteException.class, () -> em.persist(new Account("carol", 1)));
      assertTrue(refused.getMessage().contains("persist of " + Account.class.getName()));
      em.getTransaction().rollback();

      em.getTransaction().begin();
      em.unwrap(BalancedSession.class).pin();
      em.persist(new Account("carol", 1));
      em.getTransaction().commit();
    }
  }

  @Test
  void scopesSteerReadsToTheNamedNode() {
    start(Map.of());
    String second = replicas().get(1);
    try (EntityManager em = db.emf.createEntityManager()) {
      BalancedSession balanced = em.unwrap(BalancedSession.class);
      try (BalancedSession.Scope primary = balanced.usingEngine("master")) {
        assertEquals(primaryPort(), db.serverPort(em));
        try (BalancedSession.Scope replica = balanced.usingEngine(second)) {
          assertEquals(database.port(second), db.serverPort(em));
        }
        assertEquals(primaryPort(), db.serverPort(em));
      }
      balanced.pin();
      try (BalancedSession.Scope replica = balanced.usingReplica()) {
        assertTrue(db.readsFromReplica(em));
      }
      assertFalse(db.readsFromReplica(em));
    }
  }

  @Test
  void readOnlySessionsStayOnTheirReplica() {
    start(Map.of());
    SessionFactory sessionFactory = db.emf.unwrap(SessionFactory.class);
    try (Session session = sessionFactory.withOptions().readOnly(true).openSession()) {
      session.beginTransaction();
      int port = db.serverPort(session);
      assertNotEquals(primaryPort(), port);
      session.unwrap(BalancedSession.class).pin();
      assertEquals(port, db.serverPort(session));
      assertEquals(100, alice(session).getBalance());
      session.getTransaction().commit();
    }
  }

  /** Two application instances (two factories) share only the token secret and the token. */
  @Test
  void timeTokensCarryReadYourWritesAcrossEntityManagerFactories() {
    Map<String, Object> tokens = new HashMap<>();
    tokens.put("hibernate.balanced.consistency", "time");
    tokens.put("hibernate.balanced.token_secret", BalancedFactory.SECRET);
    start(tokens);
    try (BalancedFactory other = BalancedFactory.start(database, tokens)) {
      replicas().forEach(database::pauseReplay);
      try {
        String token;
        try (PinningContext request = PinningContext.open()) {
          db.inTransaction(em -> em.persist(new Account("dave", 4)));
          token = request.token();
        }
        assertNotNull(token);
        try (PinningContext request = PinningContext.open(token);
            EntityManager em = other.emf.createEntityManager()) {
          assertFalse(other.readsFromReplica(em), "the token reads from the primary");
          assertEquals(
              1,
              em.createQuery("from Account where owner = 'dave'", Account.class)
                  .getResultList()
                  .size());
        }
        try (PinningContext request = PinningContext.open();
            EntityManager em = other.emf.createEntityManager()) {
          assertTrue(other.readsFromReplica(em), "without the token: a (stale) replica");
        }
      } finally {
        replicas().forEach(database::resumeReplay);
      }
    }
  }

  @Test
  void aReplicaThatIsDownIsSkippedAndServesAgainOnceBack() {
    start(
        Map.of(
            "hibernate.balanced.replica_retry_seconds", "1",
            "hibernate.balanced.primary.hikari.connectionTimeout", "1000"));
    String down = replicas().get(0);
    database.stop(down);
    try (CapturedLog log = CapturedLog.start()) {
      List<String> reads = db.readsOfNewSessions(4);
      assertEquals(
          1,
          log.count("WARN", "dev.balanced.topology", "replica " + down + " cannot be reached"),
          log.text());
      assertFalse(
          reads.stream().anyMatch(r -> r.startsWith(down + " ")), "read from a stopped replica");
      assertTrue(reads.stream().anyMatch(r -> r.startsWith(replicas().get(1) + " ")), "" + reads);
    } finally {
      database.start(down);
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!db.readsOfNewSessions(2).stream().anyMatch(r -> r.startsWith(down + " "))) {
      assertTrue(System.nanoTime() < deadline, down + " did not serve reads again within 10 s");
      sleep(200);
    }
  }

  /**
   * The primary stops: once it is found down, writes fail at once with the dedicated exception,
   * unpinned and pinned reads go on on a replica, and once it is back writes succeed again.
   */
  @Test
  void aPrimaryThatIsDownFailsWritesFastWhileReadsGoOn() {
    start(
        Map.of(
            "hibernate.balanced.replica_retry_seconds", "1",
            "hibernate.balanced.primary.hikari.connectionTimeout", "1000"));
    try (CapturedLog log = CapturedLog.start();
        PinningContext request = PinningContext.open()) {
      request.pin("wrote before the outage");
      database.stop("primary");
      // The first may take a pooled connection that died with the server: its statement fails
      // and the connection is evicted; the next finds the server gone.
      for (int attempt = 0; ; attempt++) {
        RuntimeException failure =
            assertThrows(
                RuntimeException.class,
                () -> db.inTransaction(em -> em.persist(new Account("lost", 1))));
        if (causedBy(failure, PrimaryUnavailableException.class)) {
          break;
        }
        assertTrue(attempt < 5, "not found down: " + failure);
      }
      log.assertLine("ERROR", "dev.balanced.topology", "primary primary cannot be reached");

      long started = System.nanoTime();
      RuntimeException fast =
          assertThrows(
              RuntimeException.class,
              () -> db.inTransaction(em -> em.persist(new Account("lost", 2))));
      assertTrue(causedBy(fast, PrimaryUnavailableException.class), fast.toString());
      assertTrue(System.nanoTime() - started < 100_000_000L, "failed at once");

      try (EntityManager em = db.emf.createEntityManager()) {
        assertEquals(100, alice(em).getBalance(), "a pinned read, from a replica");
        assertTrue(db.readsFromReplica(em));
        assertEquals("primary unavailable", em.unwrap(BalancedSession.class).routeReason());
      }
    } finally {
      database.start("primary");
    }
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (true) {
      try (CapturedLog ignored = CapturedLog.start()) {
        db.inTransaction(em -> em.persist(new Account("back", 3)));
        break;
      } catch (RuntimeException stillDown) {
        assertTrue(System.nanoTime() < deadline, "writes work again once it is back");
      }
    }
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theSecondLevelCacheStaysCoherentAcrossNodes() {
    start(
        Map.of(
            "hibernate.cache.use_second_level_cache", "true",
            "jakarta.persistence.sharedCache.mode", "ENABLE_SELECTIVE",
            "hibernate.cache.region.factory_class", "jcache",
            "hibernate.javax.cache.provider", "org.ehcache.jsr107.EhcacheCachingProvider",
            "hibernate.javax.cache.missing_cache_strategy", "create"));
    long id;
    try (EntityManager em = db.emf.createEntityManager()) {
      assertTrue(db.readsFromReplica(em));
      id = alice(em).getId();
      em.find(Account.class, id); // cached through a replica session
    }
    replicas().forEach(database::pauseReplay);
    try {
      db.inTransaction(
          em -> {
            em.unwrap(BalancedSession.class).pin();
            em.find(Account.class, id).setBalance(999);
          });
      // The replicas have not applied the update; the cache must not serve the old value.
      try (EntityManager em = db.emf.createEntityManager()) {
        assertTrue(db.readsFromReplica(em));
        assertEquals(999, em.find(Account.class, id).getBalance());
      }
    } finally {
      replicas().forEach(database::resumeReplay);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
