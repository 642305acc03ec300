package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.BalancedDataSource;
import dev.balanced.BalancedSession;
import dev.balanced.boot.Bootstrap;
import dev.balanced.hibernate.spi.SharedRuntime;
import dev.balanced.spi.BalancedRuntime;
import dev.balanced.testing.H2Nodes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A framework starts Balanced once and routes both Hibernate and a plain DataSource over it: one
 * set of pools, and the framework, not the session factory, closes them.
 */
class SharedRuntimeTest {
  private H2Nodes nodes;
  private BalancedRuntime runtime;

  @BeforeEach
  void start() {
    nodes = BalancedH2.nodesWithSchema("replica1");
    runtime = Bootstrap.start(Bootstrap.configure(nodes.settings("x.balanced."), "x.balanced."));
  }

  @AfterEach
  void stop() {
    try {
      runtime.close();
    } finally {
      nodes.close();
    }
  }

  @Test
  void hibernateAndTheDataSourceRouteOverTheSamePools() throws Exception {
    EntityManagerFactory emf = BalancedH2.factory(Map.of(SharedRuntime.SETTING, runtime));
    assertEquals(runtime, BalancedH2.provider(emf).router());
    try (EntityManager em = emf.createEntityManager()) {
      assertEquals("item-1@replica1", em.find(Item.class, 1L).getName());
      em.getTransaction().begin();
      em.persist(new Item("shared"));
      em.getTransaction().commit();
      assertTrue(em.unwrap(BalancedSession.class).isPinned());
    } finally {
      emf.close();
    }
    // Closing the session factory left the shared pools open for the DataSource.
    BalancedDataSource dataSource = BalancedDataSource.sharing(runtime);
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("select name from item where id = 1")) {
      rs.next();
      assertEquals("item-1@replica1", rs.getString(1));
    }
    dataSource.close();
    assertEquals(2, runtime.health().size(), "closing the sharing DataSource left the runtime up");
  }

  @Test
  void aSharedRuntimeBesideBalancedSettingsIsRefused() {
    Map<String, Object> settings = Map.of(SharedRuntime.SETTING, runtime);
    BalancedConfigurationException refused =
        assertThrows(
            BalancedConfigurationException.class, () -> BalancedH2.factory(nodes, settings));
    assertTrue(refused.getMessage().contains(SharedRuntime.SETTING), refused.getMessage());
    assertTrue(refused.getMessage().contains("hibernate.balanced.*"), refused.getMessage());
  }

  @Test
  void somethingElseUnderTheKeyIsRefused() {
    BalancedConfigurationException refused =
        assertThrows(
            BalancedConfigurationException.class,
            () -> BalancedH2.factory(Map.of(SharedRuntime.SETTING, "runtime")));
    assertTrue(refused.getMessage().contains("java.lang.String"), refused.getMessage());
  }
}
