package dev.balanced.it.replication;

import dev.balanced.BalancedSession;
import dev.balanced.hibernate.internal.RoutingConnectionProvider;
import dev.balanced.internal.routing.Router;
import dev.balanced.it.pg.Account;
import dev.balanced.testing.Pools;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

/**
 * An entity manager factory over a real primary and its replicas, configured with {@code
 * hibernate.balanced.*} properties only. The schema is created on the primary (as migrations would)
 * and reaches the replicas by replication; a DDL statement sent anywhere else fails the start
 * ({@code hbm2ddl.halt_on_error}).
 */
public class BalancedFactory implements AutoCloseable {
  public static final String SECRET = "a-test-secret-of-at-least-32-characters";

  public final ReplicatedDatabase database;
  public final EntityManagerFactory emf;

  protected BalancedFactory(ReplicatedDatabase database, Map<String, Object> extraSettings) {
    this(database, database.balancedSettings(), "hibernate.balanced.primary.", extraSettings);
  }

  /**
   * With {@code nodeSettings} instead of the database's static {@code primary}/{@code replicas}
   * ones, and small pools for the nodes under {@code poolPrefix}.
   */
  protected BalancedFactory(
      ReplicatedDatabase database,
      Map<String, Object> nodeSettings,
      String poolPrefix,
      Map<String, Object> extraSettings) {
    this.database = database;
    Map<String, Object> settings = new HashMap<>(nodeSettings);
    settings.put(poolPrefix + "hikari.maximumPoolSize", "4");
    settings.put(poolPrefix + "hikari.minimumIdle", "0");
    settings.put("hibernate.balanced.replica_selector", "round_robin");
    settings.put("hibernate.hbm2ddl.auto", "create");
    settings.put("hibernate.hbm2ddl.halt_on_error", "true");
    settings.put("hibernate.cache.use_second_level_cache", "false");
    settings.putAll(extraSettings);
    HibernatePersistenceConfiguration configuration =
        new HibernatePersistenceConfiguration("balanced-" + database.describe())
            .managedClass(Account.class)
            .managedClass(Entry.class);
    settings.forEach(configuration::property);
    this.emf = configuration.createEntityManagerFactory();
    database.awaitReplicas();
  }

  public static BalancedFactory start(ReplicatedDatabase database, Map<String, Object> settings) {
    return new BalancedFactory(database, settings);
  }

  public void inTransaction(Consumer<EntityManager> work) {
    try (EntityManager em = emf.createEntityManager()) {
      em.getTransaction().begin();
      work.accept(em);
      em.getTransaction().commit();
    }
  }

  /** The port of the server that serves this entity manager's next read. */
  public int serverPort(EntityManager em) {
    return ((Number) em.createNativeQuery(database.servingPortQuery()).getSingleResult())
        .intValue();
  }

  /** Whether this entity manager's next read is served by a replica. */
  public boolean readsFromReplica(EntityManager em) {
    Object value = em.createNativeQuery(database.onReplicaQuery()).getSingleResult();
    return value instanceof Boolean b ? b : ((Number) value).intValue() != 0;
  }

  /** The name of the node with this port. */
  public String nodeAt(int port) {
    if (database.port("primary") == port) {
      return "primary";
    }
    return database.replicaNames().stream()
        .filter(name -> database.port(name) == port)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node on port " + port));
  }

  /** Where each of {@code count} new units of work read, and why: "replica2 (selector)". */
  public List<String> readsOfNewSessions(int count) {
    List<String> reads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      try (EntityManager em = emf.createEntityManager()) {
        String node = nodeAt(serverPort(em));
        reads.add(node + " (" + em.unwrap(BalancedSession.class).routeReason() + ")");
      }
    }
    return reads;
  }

  /** Balanced's router: its nodes and their pools. */
  public Router router() {
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
