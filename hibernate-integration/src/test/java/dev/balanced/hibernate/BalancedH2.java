package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.balanced.hibernate.internal.RoutingConnectionProvider;
import dev.balanced.internal.routing.Router;
import dev.balanced.testing.H2Nodes;
import dev.balanced.testing.Pools;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.RollbackException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

/**
 * A primary and replicas as separate H2 databases, each holding the {@code item} schema and an
 * {@code item} row 1 named after the node ("item-1@replica1"), plus an entity manager factory
 * configured through {@code hibernate.balanced.*} properties only.
 */
final class BalancedH2 implements AutoCloseable {
  final H2Nodes nodes;
  final EntityManagerFactory emf;

  private BalancedH2(H2Nodes nodes, EntityManagerFactory emf) {
    this.nodes = nodes;
    this.emf = emf;
  }

  static H2Nodes nodesWithSchema(String... replicas) {
    H2Nodes nodes = H2Nodes.start(replicas);
    nodes.executeEverywhere(
        "create table item(id bigint primary key, name varchar(100), version int not null)",
        "create table item_tags(item_id bigint not null, tag varchar(50))");
    nodes.execute("primary", "insert into item values (1, 'item-1@primary', 0)");
    for (String replica : replicas) {
      nodes.execute(replica, "insert into item values (1, 'item-1@" + replica + "', 0)");
    }
    return nodes;
  }

  /** The primary and the named replicas, with an entity manager factory over them. */
  static BalancedH2 start(Map<String, Object> extraSettings, String... replicas) {
    H2Nodes nodes = nodesWithSchema(replicas);
    try {
      return new BalancedH2(nodes, factory(nodes, extraSettings));
    } catch (RuntimeException e) {
      nodes.close();
      throw e;
    }
  }

  static EntityManagerFactory factory(H2Nodes nodes, Map<String, Object> extraSettings) {
    Map<String, Object> settings = new HashMap<>(nodes.settings("hibernate.balanced."));
    settings.putAll(extraSettings);
    return factory(settings);
  }

  /** An entity manager factory with {@code settings} alone besides the tests' usual ones. */
  static EntityManagerFactory factory(Map<String, Object> extraSettings) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("hibernate.hbm2ddl.auto", "none");
    // The nodes hold different data under the same ids so routing is visible; a shared cache would
    // hide that. SecondLevelCacheTest turns it on.
    settings.put("jakarta.persistence.sharedCache.mode", "NONE");
    settings.put("hibernate.cache.use_second_level_cache", "false");
    settings.putAll(extraSettings);
    HibernatePersistenceConfiguration configuration =
        new HibernatePersistenceConfiguration("balanced-test").managedClass(Item.class);
    settings.forEach(configuration::property);
    return configuration.createEntityManagerFactory();
  }

  /**
   * Plain Hibernate on a connection of its own ({@code hibernate.connection.url}) to the primary,
   * with no {@code hibernate.balanced.*} setting.
   */
  static HibernatePersistenceConfiguration withOwnConnection(H2Nodes nodes) {
    return new HibernatePersistenceConfiguration("own-connection")
        .managedClass(Item.class)
        .property("hibernate.connection.url", nodes.url("primary"))
        .property("hibernate.connection.username", "sa")
        .property("hibernate.cache.use_second_level_cache", "false");
  }

  static RoutingConnectionProvider provider(EntityManagerFactory emf) {
    return (RoutingConnectionProvider)
        emf.unwrap(SessionFactoryImplementor.class)
            .getServiceRegistry()
            .requireService(MultiTenantConnectionProvider.class);
  }

  static Router router(EntityManagerFactory emf) {
    return provider(emf).unwrap(Router.class);
  }

  Router router() {
    return router(emf);
  }

  /** Runs {@code work} in a transaction of a new entity manager. */
  void inTransaction(Consumer<EntityManager> work) {
    try (EntityManager em = emf.createEntityManager()) {
      em.getTransaction().begin();
      work.accept(em);
      em.getTransaction().commit();
    }
  }

  /** Item 1 as a query with {@code lock} reads it. */
  static Item item1ByQuery(EntityManager em, LockModeType lock) {
    return em.createQuery("select i from Item i where i.id = 1", Item.class)
        .setLockMode(lock)
        .getSingleResult();
  }

  /**
   * Another application changes item 1 on the primary (the replicas do not see it yet); the commit
   * of {@code em}'s transaction must then fail its optimistic check.
   */
  void assertCommitFailsAfterAnotherWriterChangedItem1(EntityManager em) {
    nodes.execute(
        "primary", "update item set name = 'changed', version = version + 1 where id = 1");
    RollbackException commit =
        assertThrows(RollbackException.class, () -> em.getTransaction().commit());
    assertInstanceOf(OptimisticLockException.class, commit.getCause());
  }

  String nameOnNode(String node, long id) {
    return (String) nodes.queryOne(node, "select name from item where id = " + id);
  }

  @Override
  public void close() {
    try {
      if (emf.isOpen()) {
        Pools.assertNoneActive(router());
      }
    } finally {
      try {
        if (emf.isOpen()) {
          emf.close();
        }
      } finally {
        nodes.close();
      }
    }
  }
}
