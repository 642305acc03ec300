package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.BalancedSession;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.H2Nodes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.HibernateException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.context.internal.ManagedSessionContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions from Hibernate's {@code getCurrentSession()}, the native API's per-thread or per-request
 * session ({@code hibernate.current_session_context_class}), are Balanced sessions like any other:
 * they read from a replica, pin on a write and unwrap to {@link BalancedSession}.
 */
class CurrentSessionTest {
  private BalancedH2 db;

  private SessionFactory start(String contextClass) {
    Map<String, Object> settings = new HashMap<>();
    if (contextClass != null) {
      settings.put("hibernate.current_session_context_class", contextClass);
    }
    db = BalancedH2.start(settings, "replica1");
    return db.emf.unwrap(SessionFactory.class);
  }

  @AfterEach
  void stop() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aThreadBoundCurrentSessionReadsFromTheReplicaAndPinsOnAWrite() {
    SessionFactory factory = start("thread");
    Session session = factory.getCurrentSession();
    session.beginTransaction();
    assertSame(session, factory.getCurrentSession(), "bound to the thread");
    Item item = session.get(Item.class, 1L);
    assertEquals("item-1@replica1", item.getName());
    BalancedSession balanced = session.unwrap(BalancedSession.class);
    assertEquals("replica1", balanced.currentEngine());

    item.setName("renamed");
    session.flush();
    assertTrue(balanced.isPinned());
    assertEquals("primary", balanced.currentEngine());
    session.getTransaction().commit();

    assertFalse(session.isOpen(), "the thread context closes its session at commit");
    assertEquals("renamed", db.nameOnNode("primary", 1));
    assertEquals("item-1@replica1", db.nameOnNode("replica1", 1));
  }

  /** The application binds a session of this factory; the managed context hands that one out. */
  @Test
  void aManagedCurrentSessionIsTheOneTheApplicationBound() {
    SessionFactory factory = start("managed");
    try (Session session = factory.openSession()) {
      ManagedSessionContext.bind(session);
      try {
        assertSame(session, factory.getCurrentSession());
        assertEquals("item-1@replica1", factory.getCurrentSession().get(Item.class, 1L).getName());
      } finally {
        ManagedSessionContext.unbind(factory);
      }
    }
  }

  @Test
  void withoutAContextGetCurrentSessionSaysSo() {
    SessionFactory factory = start(null);
    HibernateException e = assertThrows(HibernateException.class, factory::getCurrentSession);
    assertTrue(e.getMessage().contains("No CurrentSessionContext configured"), e.getMessage());
  }

  /**
   * Hibernate logs a {@code getCurrentSession()} context it cannot build and fails only when one is
   * asked for; Balanced, which builds its own, fails startup.
   */
  @Test
  void aContextClassThatCannotBeBuiltFailsStartup() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1");
        CapturedLog log = CapturedLog.start()) {
      RuntimeException failed =
          assertThrows(
              RuntimeException.class,
              () ->
                  BalancedH2.factory(
                          nodes,
                          Map.of(
                              "hibernate.current_session_context_class",
                              "com.example.NoSuchContext"))
                      .close());
      Throwable cause = failed;
      while (cause != null && !(cause instanceof BalancedConfigurationException)) {
        cause = cause.getCause();
      }
      assertNotNull(cause, "no BalancedConfigurationException in " + failed);
      for (String part :
          List.of(
              "'hibernate.current_session_context_class'",
              "[com.example.NoSuchContext]",
              "expected jta, thread, managed or a CurrentSessionContext class")) {
        assertTrue(cause.getMessage().contains(part), cause.getMessage());
      }
      log.assertLine("WARN", "org.hibernate", "[com.example.NoSuchContext]");
    }
  }
}
