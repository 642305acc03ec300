package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.H2Nodes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every routing decision is logged at DEBUG with its node and reason, and no password ever appears.
 * (slf4j-simple writes to System.err; simplelogger.properties enables DEBUG for dev.balanced in
 * these tests.)
 */
class RoutingLogTest {
  private static final String PASSWORD = "s3cr3t-pw";

  @Test
  void routingDecisionsAreLoggedWithNodeAndReasonAndNoPassword() {
    String log;
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      nodes.executeEverywhere("create user app password '" + PASSWORD + "' admin");
      Map<String, Object> settings = new HashMap<>();
      settings.put("hibernate.balanced.primary.username", "app");
      settings.put("hibernate.balanced.primary.password", PASSWORD);
      try (CapturedLog captured = CapturedLog.start()) {
        EntityManagerFactory emf = BalancedH2.factory(nodes, settings);
        try (EntityManager em = emf.createEntityManager()) {
          em.find(Item.class, 1L);
          try (BalancedSession.Scope scope =
              em.unwrap(BalancedSession.class).usingEngine("master")) {
            em.createQuery("from Item", Item.class).getResultList();
          }
          em.getTransaction().begin();
          em.persist(new Item("logged"));
          em.getTransaction().commit();
        } finally {
          emf.close();
        }
        log = captured.text();
      }
    }
    assertTrue(log.contains("read -> replica1 (reason: selector)"), log);
    assertTrue(log.contains("read -> primary (reason: scope)"), log);
    assertTrue(
        log.contains(
            "pinned to primary (reason: write intent: persist of dev.balanced.hibernate.Item)"),
        log);
    assertTrue(log.contains("write -> primary (reason: write intent)"), log);
    assertFalse(log.contains(PASSWORD), log);
  }
}
