package dev.balanced.it.pg;

import dev.balanced.BalancedSession;
import dev.balanced.hibernate.internal.RoutingConnectionProvider;
import dev.balanced.internal.routing.Router;
import dev.balanced.testing.Pools;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

/**
 * An entity manager factory over a real PostgreSQL primary and its hot standbys, configured with
 * {@code hibernate.balanced.*} properties only. The schema is created on the primary (as migrations
 * would) and reaches the standbys by replication.
 */
final class PgBalanced implements AutoCloseable {
  static final String SECRET = "a-test-secret-of-at-least-32-characters";

  final PgCluster cluster;
  final EntityManagerFactory emf;

  private PgBalanced(PgCluster cluster, EntityManagerFactory emf) {
    this.cluster = cluster;
    this.emf = emf;
  }

  static PgBalanced start(PgCluster cluster, Map<String, Object> extraSettings) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("hibernate.balanced.primary.url", cluster.primary().jdbcUrl());
    settings.put("hibernate.balanced.primary.username", PgNode.USER);
    settings.put("hibernate.balanced.primary.hikari.maximumPoolSize", "4");
    settings.put("hibernate.balanced.primary.hikari.minimumIdle", "0");
    for (PgNode standby : cluster.standbys()) {
      settings.put("hibernate.balanced.replicas." + standby.name() + ".url", standby.jdbcUrl());
    }
    settings.put("hibernate.balanced.replica_selector", "round_robin");
    settings.put("hibernate.hbm2ddl.auto", "create");
    settings.put("hibernate.cache.use_second_level_cache", "false");
    settings.putAll(extraSettings);
    HibernatePersistenceConfiguration configuration =
        new HibernatePersistenceConfiguration("balanced-pg").managedClass(Account.class);
    settings.forEach(configuration::property);
    EntityManagerFactory emf = configuration.createEntityManagerFactory();
    cluster.waitForReplay(Duration.ofSeconds(30));
    return new PgBalanced(cluster, emf);
  }

  void inTransaction(Consumer<EntityManager> work) {
    try (EntityManager em = emf.createEntityManager()) {
      em.getTransaction().begin();
      work.accept(em);
      em.getTransaction().commit();
    }
  }

  /** The port of the server that serves this entity manager's next read. */
  static int servingPort(EntityManager em) {
    return ((Number) em.createNativeQuery("select inet_server_port()").getSingleResult())
        .intValue();
  }

  /** Where each of {@code count} new units of work read, and why: "standby2 (selector)". */
  List<String> readsOfNewSessions(int count) {
    List<String> reads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      try (EntityManager em = emf.createEntityManager()) {
        String node = node(servingPort(em)).name();
        reads.add(node + " (" + em.unwrap(BalancedSession.class).routeReason() + ")");
      }
    }
    return reads;
  }

  /** Whether this entity manager's next read is served by a standby. */
  static boolean readsFromStandby(EntityManager em) {
    return (Boolean) em.createNativeQuery("select pg_is_in_recovery()").getSingleResult();
  }

  /** The node with this port. */
  PgNode node(int port) {
    return cluster.nodes().stream()
        .filter(n -> n.port() == port)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node on port " + port));
  }

  /** Balanced's router: its nodes and their pools. */
  Router router() {
    RoutingConnectionProvider provider =
        (RoutingConnectionProvider)
            emf.unwrap(SessionFactoryImplementor.class)
                .getServiceRegistry()
                .requireService(MultiTenantConnectionProvider.class);
    return provider.unwrap(Router.class);
  }

  @Override
  public void close() {
    try {
      Pools.assertNoneActive(router());
    } finally {
      emf.close();
    }
  }
}
