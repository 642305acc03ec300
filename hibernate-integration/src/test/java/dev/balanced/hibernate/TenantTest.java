package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import dev.balanced.testing.H2Nodes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.jpa.HibernateHints;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Balanced uses Hibernate's tenant identifier for the node a session starts on, and binds the
 * session's routing to it. What an application sees of that.
 */
class TenantTest {
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
  void theTenantIdentifierNamesTheNodeTheSessionStartsOn() {
    try (EntityManager em = db.emf.createEntityManager()) {
      assertEquals("replica1", em.unwrap(Session.class).getTenantIdentifier());
    }
    try (PinningContext context = PinningContext.open();
        EntityManager em = db.emf.createEntityManager()) {
      context.pin("test");
      assertEquals("replica1", em.unwrap(Session.class).getTenantIdentifier());
    }
    try (PinningContext context = PinningContext.open()) {
      context.pin("test");
      try (EntityManager em = db.emf.createEntityManager()) {
        assertEquals("primary", em.unwrap(Session.class).getTenantIdentifier());
        assertEquals("item-1@primary", em.find(Item.class, 1L).getName());
      }
    }
  }

  /**
   * Opening an entity manager chooses no node: a session that never reads a replica (pinned later,
   * or only writing) must not pay for the choice, which in lsn mode asks replicas where they are.
   */
  @Test
  void theReadNodeIsChosenOnFirstNeedNotAtOpen() {
    try (EntityManager em = db.emf.createEntityManager()) {
      BalancedSession session = em.unwrap(BalancedSession.class);
      assertTrue(session.toString().contains("read node not chosen yet"), session.toString());

      assertEquals("item-1@replica1", em.find(Item.class, 1L).getName());
      assertTrue(session.toString().contains("reads on replica1"), session.toString());
      assertEquals("replica1", em.unwrap(Session.class).getTenantIdentifier());
    }
  }

  @Test
  void entityManagerPropertiesStillApplyToARoutedSession() {
    try (EntityManager em =
        db.emf.createEntityManager(Map.of(HibernateHints.HINT_FLUSH_MODE, "COMMIT"))) {
      assertEquals(FlushModeType.COMMIT, em.getFlushMode());
      assertEquals("item-1@replica1", em.find(Item.class, 1L).getName());
      em.getTransaction().begin();
      em.persist(new Item("new"));
      em.getTransaction().commit();
      assertEquals("primary", em.unwrap(BalancedSession.class).currentEngine());
    }
    assertEquals("new", db.nameOnNode("primary", 1000));
  }

  @Test
  void aTenantOfTheApplicationIsRefusedWithTheWayToChooseANode() {
    IllegalArgumentException hint =
        assertThrows(
            IllegalArgumentException.class,
            () -> db.emf.createEntityManager(Map.of("org.hibernate.tenantId", "replica1")));
    assertTrue(hint.getMessage().contains("'org.hibernate.tenantId'"), hint.getMessage());
    assertTrue(hint.getMessage().contains("usingEngine"), hint.getMessage());

    UnsupportedOperationException builder =
        assertThrows(
            UnsupportedOperationException.class,
            () -> db.emf.unwrap(SessionFactory.class).withOptions().tenantIdentifier("replica1"));
    assertTrue(builder.getMessage().contains("tenantIdentifier(replica1)"), builder.getMessage());
    assertTrue(builder.getMessage().contains("usingEngine"), builder.getMessage());

    // Builders Balanced does not wrap hand the tenant to Hibernate; the connection provider
    // refuses.
    try (EntityManager em = db.emf.createEntityManager();
        Session child =
            em.unwrap(Session.class)
                .sessionWithOptions()
                .tenantIdentifier("replica1")
                .openSession()) {
      RuntimeException shared =
          assertThrows(RuntimeException.class, () -> child.find(Item.class, 1L));
      boolean explained = false;
      for (Throwable c = shared; c != null; c = c.getCause()) {
        explained |= c.getMessage() != null && c.getMessage().contains("usingEngine");
      }
      assertTrue(explained, () -> "no explanation in " + shared);
    }
  }

  @Test
  void entitiesWithATenantIdAttributeAreRefusedAtStartup() {
    try (H2Nodes nodes = H2Nodes.start("replica1")) {
      HibernatePersistenceConfiguration configuration =
          new HibernatePersistenceConfiguration("tenant-id").managedClass(TenantItem.class);
      nodes.settings("hibernate.balanced.").forEach(configuration::property);
      configuration.property("hibernate.hbm2ddl.auto", "none");
      RuntimeException e =
          assertThrows(
              RuntimeException.class, () -> configuration.createEntityManagerFactory().close());
      BalancedConfigurationException cause = null;
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof BalancedConfigurationException bce) {
          cause = bce;
        }
      }
      assertNotNull(cause, () -> "no BalancedConfigurationException in " + e);
      assertTrue(cause.getMessage().contains("@TenantId"), cause.getMessage());
      assertTrue(cause.getMessage().contains(TenantItem.class.getName()), cause.getMessage());
    }
  }

  @Test
  void aChildSessionSharesItsParentsRouting() {
    try (EntityManager em = db.emf.createEntityManager()) {
      Session parent = em.unwrap(Session.class);
      try (Session child = parent.sessionWithOptions().openSession()) {
        assertEquals("item-1@replica1", child.find(Item.class, 1L).getName());
        child.getTransaction().begin();
        child.persist(new Item("from child"));
        child.getTransaction().commit();
      }
      // The child's write pinned the routing the two sessions share.
      assertEquals("primary", em.unwrap(BalancedSession.class).currentEngine());
      assertEquals("item-1@primary", em.find(Item.class, 1L).getName());
    }
    assertEquals("from child", db.nameOnNode("primary", 1000));
    assertEquals(1, db.nodes.count("replica1", "item"), "rows written to replica1");
  }
}
