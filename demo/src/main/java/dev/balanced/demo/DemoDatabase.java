package dev.balanced.demo;

import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgClusterOptions;
import dev.balanced.testing.pg.PgNode;
import jakarta.persistence.EntityManagerFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

/**
 * The demo's databases: a primary and replicas that lag behind it, behind one entity manager
 * factory configured with {@code hibernate.balanced.*} properties.
 *
 * <ul>
 *   <li>{@link #h2()}: two in-memory H2 databases; a {@link LaggingReplicator} copies each message
 *       to the replica {@link #H2_LAG} after it was posted. {@code consistency=time}.
 *   <li>{@link #postgres()}: a real PostgreSQL primary and two hot standbys that apply WAL {@link
 *       #PG_APPLY_DELAY} late, started in a temp dir, given to Balanced as servers whose roles it
 *       finds ({@code topology=discover}), so that the failover buttons ({@link FailoverControl})
 *       can promote a standby. {@code consistency=lsn}.
 * </ul>
 */
final class DemoDatabase implements AutoCloseable {
  static final Duration H2_LAG = Duration.ofSeconds(3);
  static final Duration PG_APPLY_DELAY = Duration.ofSeconds(3);

  /** How long the failover button leaves the cluster without a primary before it promotes. */
  static final Duration PG_OUTAGE = Duration.ofSeconds(10);

  /** How often Balanced asks each PostgreSQL server its role ({@code topology_check_ms}). */
  static final Duration PG_CHECK = Duration.ofMillis(500);

  private static final int PG_STANDBYS = 2;
  private static final String H2_REPLICA = "replica";

  private final String description;
  private final List<String> replicaNames;
  private final Duration lag;
  private final EntityManagerFactory emf;
  private final AutoCloseable replication;
  private final ClusterActivity activity;
  private final FailoverControl failover;

  private DemoDatabase(
      String description,
      List<String> replicaNames,
      Duration lag,
      EntityManagerFactory emf,
      AutoCloseable replication,
      ClusterActivity activity,
      FailoverControl failover) {
    this.description = description;
    this.replicaNames = List.copyOf(replicaNames);
    this.lag = lag;
    this.emf = emf;
    this.replication = replication;
    this.activity = activity;
    this.failover = failover;
  }

  static DemoDatabase h2() {
    String primary = "jdbc:h2:mem:demo-primary;DB_CLOSE_DELAY=-1";
    String replica = "jdbc:h2:mem:demo-replica;DB_CLOSE_DELAY=-1";
    Map<String, Object> settings = new HashMap<>();
    settings.put("hibernate.balanced.primary.url", primary);
    settings.put("hibernate.balanced.primary.username", "sa");
    settings.put("hibernate.balanced.primary.hikari.maximumPoolSize", "8");
    settings.put("hibernate.balanced.replicas." + H2_REPLICA + ".url", replica);
    settings.put("hibernate.balanced.consistency", "time");
    // The pin outlasts the replica's lag, so a writer never reads the replica before it caught up.
    settings.put("hibernate.balanced.pin_seconds", String.valueOf(H2_LAG.toSeconds() + 2));
    ClusterActivity activity = new ClusterActivity();
    EntityManagerFactory emf = factory(settings, activity);
    try {
      LaggingReplicator replicator = LaggingReplicator.start(primary, replica, H2_LAG);
      return new DemoDatabase(
          "H2 primary + H2 replica that lags " + H2_LAG.toSeconds() + " s (consistency=time)",
          List.of(H2_REPLICA),
          H2_LAG,
          emf,
          replicator,
          activity,
          null);
    } catch (RuntimeException e) {
      emf.close();
      throw e;
    }
  }

  static DemoDatabase postgres() {
    return postgres(PG_OUTAGE);
  }

  /**
   * A PostgreSQL primary and two standbys, which Balanced is given as servers ({@code pg1}, {@code
   * pg2}, {@code pg3}) whose roles it asks ({@code topology=discover}), so that writes follow a
   * failover; {@code outage} is how long the failover button leaves the cluster without a primary.
   */
  static DemoDatabase postgres(Duration outage) {
    PgCluster cluster =
        PgCluster.start(
            PgClusterOptions.defaults()
                .standbys(PG_STANDBYS)
                .applyDelayMs(PG_APPLY_DELAY.toMillis()));
    FailoverControl failover = null;
    try {
      Map<String, Object> settings = new HashMap<>();
      // The servers, not their roles: Balanced asks each whether it is the primary or a standby.
      settings.put("hibernate.balanced.topology", "discover");
      settings.put("hibernate.balanced.topology_check_ms", String.valueOf(PG_CHECK.toMillis()));
      settings.put("hibernate.balanced.nodes.username", PgNode.USER);
      List<String> servers = new ArrayList<>();
      for (PgNode node : cluster.nodes()) {
        String name = FailoverControl.name(node);
        servers.add(name);
        settings.put("hibernate.balanced.nodes." + name + ".url", node.jdbcUrl());
      }
      settings.put("hibernate.balanced.nodes.hikari.maximumPoolSize", "8");
      // A crashed server refuses connections at once; the pool gives up on it after this, and
      // from then on writes fail at once with PrimaryUnavailableException.
      settings.put("hibernate.balanced.nodes.hikari.connectionTimeout", "1000");
      settings.put("hibernate.balanced.consistency", "lsn");
      // Measured so the cluster panel can show it; a standby this far behind would be left out.
      settings.put("hibernate.balanced.max_replica_lag_ms", "600000");
      settings.put("hibernate.balanced.replica_lag_check_ms", "500");
      ClusterActivity activity = new ClusterActivity();
      EntityManagerFactory emf = factory(settings, activity);
      try {
        // Serve pages only once the standbys have the schema, as after a real migration.
        cluster.waitForReplay(Duration.ofSeconds(60));
        failover = new FailoverControl(cluster, outage, PG_CHECK);
      } catch (RuntimeException e) {
        emf.close();
        throw e;
      }
      FailoverControl control = failover;
      return new DemoDatabase(
          "PostgreSQL primary + 2 hot standbys applying WAL "
              + PG_APPLY_DELAY.toSeconds()
              + " s late ("
              + String.join(", ", servers)
              + ": topology=discover, consistency=lsn)",
          servers,
          PG_APPLY_DELAY,
          emf,
          () -> {
            try (cluster;
                control) {
              // stops a failover under way, then the servers
            }
          },
          activity,
          failover);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static EntityManagerFactory factory(
      Map<String, Object> settings, ClusterActivity activity) {
    settings.put("hibernate.balanced.listeners", activity);
    settings.put("hibernate.balanced.token_secret", randomSecret());
    // The schema is made on the primary, as migrations are; replication brings it to the replica.
    settings.put("jakarta.persistence.schema-generation.database.action", "drop-and-create");
    HibernatePersistenceConfiguration configuration =
        new HibernatePersistenceConfiguration("demo").managedClass(Message.class);
    settings.forEach(configuration::property);
    return configuration.createEntityManagerFactory();
  }

  /** One instance, so a per-run secret will do; a real deployment configures one. */
  private static String randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return Base64.getUrlEncoder().encodeToString(secret);
  }

  String description() {
    return description;
  }

  /**
   * The names of the nodes besides "primary", as the pages show them: H2's replica, or every
   * PostgreSQL server (whichever of them is the primary now takes the writes).
   */
  List<String> replicaNames() {
    return replicaNames;
  }

  /** The failover buttons ({@code --postgres}); {@code null} on H2. */
  FailoverControl failover() {
    return failover;
  }

  /** How long after a write the replica has it. */
  Duration lag() {
    return lag;
  }

  /** Where reads went and each node's health, for the cluster panel. */
  ClusterActivity activity() {
    return activity;
  }

  EntityManagerFactory emf() {
    return emf;
  }

  @Override
  public void close() throws Exception {
    try {
      emf.close();
    } finally {
      replication.close();
    }
  }
}
