package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.H2Nodes;
import jakarta.persistence.EntityGraph;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.PersistenceUnitInfo;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.engine.jdbc.connections.spi.DatabaseConnectionInfo;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.jpa.HibernatePersistenceProvider;
import org.junit.jupiter.api.Test;

/** The ways in: JPA and container bootstrap, unwrap, entity graphs, DDL, switches. */
class BootstrapTest {

  @Test
  void unwrapGivesTheBalancedSessionAndHibernateTypesKeepWorking() {
    try (BalancedH2 db = BalancedH2.start(Map.of(), "replica1");
        EntityManager em = db.emf.createEntityManager()) {
      Session session = em.unwrap(Session.class);
      assertSame(em.unwrap(BalancedSession.class), session.unwrap(BalancedSession.class));
      assertEquals("item-1@replica1", session.find(Item.class, 1L).getName());
      assertTrue(em.getEntityManagerFactory().isOpen());

      EntityGraph<Item> graph = em.createEntityGraph(Item.class);
      graph.addAttributeNodes("tags");
      em.clear();
      Item item = em.find(Item.class, 1L, Map.of("jakarta.persistence.fetchgraph", graph));
      assertEquals("item-1@replica1", item.getName());
      assertEquals(0, item.getTags().size());
    }
  }

  @Test
  void theContainerBootstrapPathIsBalancedToo() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      Properties properties = new Properties();
      properties.putAll(nodes.settings("hibernate.balanced."));
      properties.put("hibernate.cache.use_second_level_cache", "false");
      EntityManagerFactory emf =
          new HibernatePersistenceProvider()
              .createContainerEntityManagerFactory(unit(properties), Map.of());
      try (EntityManager em = emf.createEntityManager()) {
        assertEquals("item-1@replica1", em.find(Item.class, 1L).getName());
        em.getTransaction().begin();
        em.persist(new Item("container"));
        em.getTransaction().commit();
        em.clear();
        assertEquals("item-1@primary", em.find(Item.class, 1L).getName());
      } finally {
        emf.close();
      }
      assertEquals("container", nodes.queryOne("primary", "select name from item where id = 1000"));
    }
  }

  @Test
  void theNativeBootstrapIsBalancedToo() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      StandardServiceRegistryBuilder registry = new StandardServiceRegistryBuilder();
      nodes.settings("hibernate.balanced.").forEach(registry::applySetting);
      registry.applySetting("hibernate.cache.use_second_level_cache", "false");
      try (SessionFactory factory =
          new MetadataSources(registry.build())
              .addAnnotatedClass(Item.class)
              .buildMetadata()
              .buildSessionFactory()) {
        try (Session session = factory.openSession()) {
          assertEquals("item-1@replica1", session.find(Item.class, 1L).getName());
          assertEquals("replica1", session.unwrap(BalancedSession.class).currentEngine());
          session.beginTransaction();
          session.persist(new Item("native"));
          session.getTransaction().commit();
          assertEquals("primary", session.unwrap(BalancedSession.class).currentEngine());
        }
        factory.inTransaction(
            session ->
                assertEquals(
                    "item-1@replica1", session.find(Item.class, 1L).getName(), "a new session"));
      }
      assertEquals("native", nodes.queryOne("primary", "select name from item where id = 1000"));
    }
  }

  @Test
  void hibernatesStartupLogNamesEveryNodeAndItsPool() {
    try (BalancedH2 db = BalancedH2.start(Map.of(), "replica1")) {
      SessionFactoryImplementor factory = db.emf.unwrap(SessionFactoryImplementor.class);
      DatabaseConnectionInfo info =
          factory
              .getServiceRegistry()
              .requireService(MultiTenantConnectionProvider.class)
              .getDatabaseConnectionInfo(factory.getJdbcServices().getDialect());
      String logged = info.toInfoString();
      assertTrue(logged.contains("Balanced (greedy mode, consistency=session)"), logged);
      assertTrue(logged.contains("primary [jdbc:h2:mem:"), logged);
      assertTrue(logged.contains("replica1 [jdbc:h2:mem:"), logged);
      assertTrue(logged.contains("pool balanced-replica1"), logged);
      assertTrue(logged.contains("H2Dialect"), logged);
      assertTrue(info.getJdbcUrl().startsWith("jdbc:h2:mem:"), info.getJdbcUrl());
    }
  }

  @Test
  void aClosedFactoryRefusesEntityManagersAsHibernateDoes() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema("replica1")) {
      EntityManagerFactory emf = BalancedH2.factory(nodes, Map.of());
      emf.close();
      IllegalStateException plain =
          assertThrows(IllegalStateException.class, emf::createEntityManager);
      assertEquals("EntityManagerFactory is closed", plain.getMessage());
      IllegalStateException withProperties =
          assertThrows(
              IllegalStateException.class,
              () -> emf.createEntityManager(Map.of("jakarta.persistence.query.timeout", 5)));
      assertEquals("EntityManagerFactory is closed", withProperties.getMessage());
    }
  }

  @Test
  void schemaGenerationRunsOnThePrimaryOnly() {
    try (H2Nodes nodes = H2Nodes.start("replica1")) {
      EntityManagerFactory emf =
          BalancedH2.factory(nodes, Map.of("hibernate.hbm2ddl.auto", "create"));
      emf.close();
      String tables = "select count(*) from information_schema.tables where table_name = 'ITEM'";
      assertEquals(1L, ((Number) nodes.queryOne("primary", tables)).longValue());
      assertEquals(0L, ((Number) nodes.queryOne("replica1", tables)).longValue());
    }
  }

  @Test
  void disabledSendsEverythingToThePrimary() {
    try (BalancedH2 db =
            BalancedH2.start(Map.of("hibernate.balanced.enabled", "false"), "replica1");
        EntityManager em = db.emf.createEntityManager()) {
      assertEquals("item-1@primary", em.find(Item.class, 1L).getName());
      assertEquals("primary", em.unwrap(BalancedSession.class).currentEngine());
      assertEquals(1, db.router().topology().nodes().size());
    }
  }

  @Test
  void withoutReplicasEverythingRunsOnThePrimary() {
    try (BalancedH2 db = BalancedH2.start(Map.of());
        EntityManager em = db.emf.createEntityManager()) {
      assertEquals("item-1@primary", em.find(Item.class, 1L).getName());
      em.getTransaction().begin();
      em.persist(new Item("solo"));
      em.getTransaction().commit();
    }
  }

  @Test
  void withoutBalancedSettingsHibernateIsUntouched() {
    try (H2Nodes nodes = BalancedH2.nodesWithSchema();
        CapturedLog log = CapturedLog.start()) {
      try (EntityManagerFactory emf =
              BalancedH2.withOwnConnection(nodes).createEntityManagerFactory();
          EntityManager em = emf.createEntityManager()) {
        assertEquals("item-1@primary", em.find(Item.class, 1L).getName());
        assertThrows(PersistenceException.class, () -> em.unwrap(BalancedSession.class));
      }
      // Hibernate's own connection pool, and its warning about it.
      log.assertLine("WARN", "org.hibernate", "built-in connection pool");
    }
  }

  /** A minimal PersistenceUnitInfo, as an application server or Spring would hand over. */
  private static PersistenceUnitInfo unit(Properties properties) {
    return (PersistenceUnitInfo)
        Proxy.newProxyInstance(
            BootstrapTest.class.getClassLoader(),
            new Class<?>[] {PersistenceUnitInfo.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getPersistenceUnitName" -> "container-test";
                  case "getPersistenceProviderClassName" ->
                      HibernatePersistenceProvider.class.getName();
                  case "getManagedClassNames" -> List.of(Item.class.getName());
                  case "excludeUnlistedClasses" -> true;
                  case "getProperties" -> properties;
                  case "getClassLoader", "getNewTempClassLoader" ->
                      BootstrapTest.class.getClassLoader();
                  case "getSharedCacheMode" -> SharedCacheMode.NONE;
                  case "getValidationMode" -> ValidationMode.NONE;
                  case "getPersistenceXMLSchemaVersion" -> "3.2";
                  case "getMappingFileNames", "getJarFileUrls", "getQualifierAnnotationNames" ->
                      List.of();
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "PersistenceUnitInfo[container-test]";
                  default -> null;
                });
  }
}
