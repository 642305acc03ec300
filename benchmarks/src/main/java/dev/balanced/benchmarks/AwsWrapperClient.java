package dev.balanced.benchmarks;

import dev.balanced.benchmarks.OffloadWorkload.Config;
import dev.balanced.benchmarks.OffloadWorkload.Read;
import dev.balanced.testing.ClusterNode;
import dev.balanced.testing.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link AwsWrapperPool} over the primary and the standbys. The application calls {@code
 * setReadOnly(true)} around each read, as Spring's {@code @Transactional(readOnly = true)} does;
 * nothing carries a user's writes to their next request.
 */
final class AwsWrapperClient extends PlainPoolClient {
  private final AwsWrapperPool wrapper;

  AwsWrapperClient(ReplicatedCluster<?> cluster, Config config) {
    super(config);
    if (!config.database().equals(BenchDatabase.POSTGRESQL)) {
      throw new IllegalArgumentException("the aws mode runs on PostgreSQL only");
    }
    List<String> hosts = new ArrayList<>();
    ClusterNode primary = cluster.primary();
    hosts.add("127.0.0.1:" + primary.port());
    for (ClusterNode replica : cluster.replicas()) {
      hosts.add("127.0.0.1:" + replica.port());
    }
    this.wrapper =
        new AwsWrapperPool(
            "postgresql",
            hosts,
            OffloadWorkload.databaseOf(primary),
            primary.user(),
            primary.password(),
            "pg",
            config.users() + 2);
  }

  @Override
  DataSource pool() {
    return wrapper.dataSource();
  }

  @Override
  Read read(Connection connection, int[] ids) throws SQLException {
    connection.setReadOnly(true);
    try {
      return super.read(connection, ids);
    } finally {
      connection.setReadOnly(false);
    }
  }

  @Override
  public void close() {
    wrapper.close();
  }
}
