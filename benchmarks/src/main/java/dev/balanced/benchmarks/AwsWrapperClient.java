package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.benchmarks.OffloadWorkload.Client;
import dev.balanced.benchmarks.OffloadWorkload.Config;
import dev.balanced.benchmarks.OffloadWorkload.Read;
import dev.balanced.testing.ClusterNode;
import dev.balanced.testing.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import software.amazon.jdbc.Driver;
import software.amazon.jdbc.HikariPooledConnectionProvider;

/**
 * The AWS Advanced JDBC Wrapper's read/write splitting, set up as its documentation does for a
 * cluster that is not Aurora: a connection-string host list (the first host is the writer, the
 * others readers: {@code singleWriterConnectionString=true}), the {@code readWriteSplitting}
 * plugin, internal HikariCP pools for the connections it switches to, and an external HikariCP pool
 * for the application's connections. The application calls {@code setReadOnly(true)} around each
 * read, as Spring's {@code @Transactional(readOnly = true)} does, and the plugin moves the
 * connection to a random reader; nothing carries a user's writes to their next request.
 */
final class AwsWrapperClient implements Client {
  private final HikariDataSource pool;
  private final HikariPooledConnectionProvider internalPools;
  private final String select;

  AwsWrapperClient(ReplicatedCluster<?> cluster, Config config) {
    if (!config.database().equals(BenchDatabase.POSTGRESQL)) {
      throw new IllegalArgumentException("the aws mode runs on PostgreSQL only");
    }
    int size = config.users() + 2;
    this.internalPools =
        new HikariPooledConnectionProvider(
            (host, properties) -> {
              HikariConfig internal = new HikariConfig();
              internal.setMaximumPoolSize(size);
              internal.setMinimumIdle(size);
              return internal;
            });
    Driver.setCustomConnectionProvider(internalPools);
    StringBuilder hosts = new StringBuilder();
    ClusterNode primary = cluster.primary();
    hosts.append("127.0.0.1:").append(primary.port());
    for (ClusterNode replica : cluster.replicas()) {
      hosts.append(",127.0.0.1:").append(replica.port());
    }
    HikariConfig external = new HikariConfig();
    external.setPoolName("aws-wrapper");
    external.setJdbcUrl(
        "jdbc:aws-wrapper:postgresql://" + hosts + "/" + OffloadWorkload.databaseOf(primary));
    external.setUsername(primary.user());
    if (primary.password() != null) {
      external.setPassword(primary.password());
    }
    external.setMaximumPoolSize(size);
    external.setMinimumIdle(size);
    external.addDataSourceProperty("wrapperPlugins", "readWriteSplitting");
    external.addDataSourceProperty("wrapperDialect", "pg");
    external.addDataSourceProperty("readerHostSelectorStrategy", "random");
    // Without it the host list has no reader, and every read silently stays on the writer.
    external.addDataSourceProperty("singleWriterConnectionString", "true");
    this.pool = new HikariDataSource(external);
    this.select = OffloadWorkload.select(config.database(), 1 + config.othersPerRead());
  }

  @Override
  public String write(String token, int id, long value) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      OffloadWorkload.update(connection, id, value);
    }
    return null;
  }

  @Override
  public Read read(String token, int[] ids) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      connection.setReadOnly(true);
      try {
        long[] seen = OffloadWorkload.select(connection, select, ids);
        return new Read(seen[0], (int) seen[1], null, null);
      } finally {
        connection.setReadOnly(false);
      }
    }
  }

  @Override
  public void close() {
    pool.close();
    // Driver.releaseResources() would also clear caches of the AWS SDK's RDS classes, which this
    // set-up does not use and the class path does not have: the internal pools are released alone.
    internalPools.releaseResources();
    Driver.resetCustomConnectionProvider();
  }
}
