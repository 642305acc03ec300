package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.benchmarks.OffloadWorkload.Config;
import dev.balanced.testing.ClusterNode;
import dev.balanced.testing.ReplicatedCluster;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link Pgpool} in front of the same primary and standbys; the application connects to it with a
 * plain HikariCP pool and does nothing special.
 */
final class PgpoolClient extends PlainPoolClient {
  private final Pgpool pgpool;
  private final HikariDataSource pool;

  /**
   * @param delayThresholdMs {@code delay_threshold_by_time}, 0 for none
   */
  PgpoolClient(ReplicatedCluster<?> cluster, Config config, int delayThresholdMs) {
    super(config);
    if (!config.database().equals(BenchDatabase.POSTGRESQL)) {
      throw new IllegalArgumentException("the pgpool modes run on PostgreSQL only");
    }
    int children = config.users() + 2;
    List<ClusterNode> backends = new ArrayList<>();
    backends.add(cluster.primary());
    backends.addAll(cluster.replicas());
    this.pgpool = new Pgpool(backends, children, delayThresholdMs);
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("pgpool");
    ClusterNode primary = cluster.primary();
    hikari.setJdbcUrl(pgpool.jdbcUrl(OffloadWorkload.databaseOf(primary)));
    hikari.setUsername(primary.user());
    hikari.setMaximumPoolSize(children - 1);
    hikari.setMinimumIdle(children - 1);
    this.pool = new HikariDataSource(hikari);
  }

  @Override
  DataSource pool() {
    return pool;
  }

  @Override
  public void close() {
    pool.close();
    pgpool.close();
  }
}
