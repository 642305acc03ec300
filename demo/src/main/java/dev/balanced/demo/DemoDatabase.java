package dev.balanced.demo;

import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgClusterOptions;
import dev.balanced.testing.pg.PgNode;
import jakarta.persistence.EntityManagerFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

/**
 * The demo's databases: a primary and one replica that lags behind it, behind one entity manager
 * factory configured with {@code hibernate.balanced.*} properties.
 *
 * <ul>
 *   <li>{@link #h2()}: two in-memory H2 databases; a {@link LaggingReplicator} copies each message
 *       to the replica {@link #H2_LAG} after it was posted. {@code consistency=time}.
 *   <li>{@link #postgres()}: a real PostgreSQL primary and a hot standby that applies WAL {@link
 *       #PG_APPLY_DELAY} late, started in a temp dir. {@code consistency=lsn}.
 * </ul>
 */
final class DemoDatabase implements AutoCloseable {
  static final Duration H2_LAG = Duration.ofSeconds(3);
  static final Duration PG_APPLY_DELAY = Duration.ofSeconds(3);
  private static final String H2_REPLICA = "replica";
  private static final String PG_STANDBY = "standby";

  private final String description;
  private final String replicaName;
  private final Duration lag;
  private final EntityManagerFactory emf;
  private final AutoCloseable replication;
  private final ClusterActivity activity;

  private DemoDatabase(
      String description,
      String replicaName,
      Duration lag,
      EntityManagerFactory emf,
      AutoCloseable replication,
      ClusterActivity activity) {
    this.description = description;
    this.replicaName = replicaName;
    this.lag = lag;
    this.emf = emf;
    this.replication = replication;
    this.activity = activity;
  }

  static DemoDatabase h2() {
    String primary = "jdbc:h2:mem:demo-primary;DB_CLOSE_DELAY=-1";
    String replica = "jdbc:h2:mem:demo-replica;DB_CLOSE_DELAY=-1";
    Map<String, Object> settings = new HashMap<>();
    settings.put("hibernate.balanced.primary.url", primary);
    settings.put("hibernate.balanced.primary.username", "sa");
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
          H2_REPLICA,
          H2_LAG,
          emf,
          replicator,
          activity);
    } catch (RuntimeException e) {
      emf.close();
      throw e;
    }
  }

  static DemoDatabase postgres() {
    PgCluster cluster =
        PgCluster.start(
            PgClusterOptions.defaults().standbys(1).applyDelayMs(PG_APPLY_DELAY.toMillis()));
    try {
      Map<String, Object> settings = new HashMap<>();
      settings.put("hibernate.balanced.primary.url", cluster.primary().jdbcUrl());
      settings.put("hibernate.balanced.primary.username", PgNode.USER);
      PgNode standby = cluster.standby(1);
      settings.put("hibernate.balanced.replicas." + PG_STANDBY + ".url", standby.jdbcUrl());
      settings.put("hibernate.balanced.consistency", "lsn");
      // Measured so the cluster panel can show it; a standby this far behind would be left out.
      settings.put("hibernate.balanced.max_replica_lag_ms", "600000");
      settings.put("hibernate.balanced.replica_lag_check_ms", "500");
      ClusterActivity activity = new ClusterActivity();
      EntityManagerFactory emf = factory(settings, activity);
      // Serve pages only once the standby has the schema, as after a real migration.
      cluster.waitForReplay(Duration.ofSeconds(60));
      return new DemoDatabase(
          "PostgreSQL primary (port "
              + cluster.primary().port()
              + ") + hot standby (port "
              + standby.port()
              + ") applying WAL "
              + PG_APPLY_DELAY.toSeconds()
              + " s late (consistency=lsn)",
          PG_STANDBY,
          PG_APPLY_DELAY,
          emf,
          cluster,
          activity);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static EntityManagerFactory factory(
      Map<String, Object> settings, ClusterActivity activity) {
    settings.put("hibernate.balanced.listeners", activity);
    settings.put("hibernate.balanced.token_secret", randomSecret());
    settings.put("hibernate.balanced.primary.hikari.maximumPoolSize", "8");
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

  /** The replica's node name, as the pages show it. */
  String replicaName() {
    return replicaName;
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
