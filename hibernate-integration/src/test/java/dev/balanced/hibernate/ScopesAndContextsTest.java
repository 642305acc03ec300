package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** usingEngine/usingReplica scopes, pinning contexts across sessions, and threads. */
class ScopesAndContextsTest {
  private BalancedH2 db;

  @BeforeEach
  void start() {
    db =
        BalancedH2.start(
            Map.of("hibernate.balanced.replica_selector", "round_robin"), "replica1", "replica2");
  }

  @AfterEach
  void stop() {
    db.close();
  }

  private static String read(EntityManager em) {
    em.clear();
    return em.find(Item.class, 1L).getName();
  }

  @Test
  void scopesNestAndRestore() {
    try (EntityManager em = db.emf.createEntityManager()) {
      BalancedSession balanced = em.unwrap(BalancedSession.class);
      String replica = balanced.currentEngine();
      assertTrue(replica.startsWith("replica"), replica);
      try (BalancedSession.Scope master = balanced.usingEngine("master")) {
        assertEquals("item-1@primary", read(em));
        try (BalancedSession.Scope r2 = balanced.usingEngine("replica2")) {
          assertEquals("item-1@replica2", read(em));
          try (BalancedSession.Scope primary = balanced.usingEngine("primary")) {
            assertEquals("item-1@primary", read(em));
          }
          assertEquals("item-1@replica2", read(em));
        }
        assertEquals("item-1@primary", read(em));
      }
      assertEquals("item-1@" + replica, read(em));
      assertFalse(balanced.isPinned());
    }
  }

  @Test
  void usingReplicaReadsFromAReplicaDespiteThePin() {
    try (EntityManager em = db.emf.createEntityManager()) {
      BalancedSession balanced = em.unwrap(BalancedSession.class);
      balanced.pin();
      assertEquals("item-1@primary", read(em));
      try (BalancedSession.Scope replica = balanced.usingReplica()) {
        assertTrue(read(em).startsWith("item-1@replica"));
      }
      assertEquals("item-1@primary", read(em));
    }
  }

  @Test
  void anUnknownEngineNameListsTheKnownNames() {
    try (EntityManager em = db.emf.createEntityManager()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> em.unwrap(BalancedSession.class).usingEngine("replcia1"));
      assertTrue(e.getMessage().contains("replcia1"), e.getMessage());
      assertTrue(e.getMessage().contains("primary, master, replica1, replica2"), e.getMessage());
    }
  }

  @Test
  void aPinInOneSessionHoldsForLaterSessionsOfTheContext() {
    try (PinningContext request = PinningContext.open()) {
      try (EntityManager first = db.emf.createEntityManager()) {
        assertTrue(read(first).startsWith("item-1@replica"));
        first.getTransaction().begin();
        first.persist(new Item("written"));
        first.getTransaction().commit();
      }
      try (EntityManager second = db.emf.createEntityManager()) {
        assertTrue(second.unwrap(BalancedSession.class).isPinned());
        assertEquals("item-1@primary", read(second));
        assertEquals(
            1L,
            second
                .createQuery("select count(i) from Item i where i.name = 'written'", Long.class)
                .getSingleResult());
      }
    }
    try (EntityManager afterwards = db.emf.createEntityManager()) {
      assertFalse(afterwards.unwrap(BalancedSession.class).isPinned());
      assertTrue(read(afterwards).startsWith("item-1@replica"));
    }
  }

  @Test
  void withoutAContextEachSessionIsItsOwnContext() {
    try (EntityManager first = db.emf.createEntityManager();
        EntityManager second = db.emf.createEntityManager()) {
      first.unwrap(BalancedSession.class).pin();
      assertEquals("item-1@primary", read(first));
      assertFalse(second.unwrap(BalancedSession.class).isPinned());
      assertTrue(read(second).startsWith("item-1@replica"));
    }
  }

  @Test
  void contextsNeverLeakBetweenThreadsOrTasks() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        boolean writer = i % 3 == 0;
        results.add(
            pool.submit(
                () -> {
                  if (PinningContext.current() != null) {
                    return "context leaked into a new task";
                  }
                  String seen =
                      PinningContext.call(
                          () -> {
                            try (EntityManager em = db.emf.createEntityManager()) {
                              if (writer) {
                                em.unwrap(BalancedSession.class).pin();
                              }
                              String name = read(em);
                              try (EntityManager later = db.emf.createEntityManager()) {
                                String again = read(later);
                                if (!again.equals(writer ? "item-1@primary" : again)) {
                                  return "second session of a pinned context read " + again;
                                }
                              }
                              return name;
                            }
                          });
                  if (PinningContext.current() != null) {
                    return "context still bound after the task";
                  }
                  boolean onPrimary = seen.equals("item-1@primary");
                  return onPrimary == writer
                      ? "ok"
                      : (writer ? "writer" : "reader") + " read " + seen;
                }));
      }
      for (Future<String> result : results) {
        assertEquals("ok", result.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertNull(PinningContext.current());
  }
}
