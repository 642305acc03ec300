package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.benchmarks.OffloadWorkload.Client;
import dev.balanced.benchmarks.OffloadWorkload.Config;
import dev.balanced.benchmarks.OffloadWorkload.Read;
import dev.balanced.testing.ClusterNode;
import dev.balanced.testing.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link SpringStyleRouting} over the primary's and the standbys' pools, with Spring's {@link
 * DataSourceTransactionManager}. The application marks its read transactions read-only, as
 * {@code @Transactional(readOnly = true)} does, exactly where the workload reads; nothing carries a
 * user's writes to their next request.
 */
final class SpringRoutingClient implements Client {
  private final HikariDataSource primary;
  private final List<HikariDataSource> replicas = new ArrayList<>();
  private final DataSource dataSource;
  private final TransactionTemplate writes;
  private final TransactionTemplate reads;
  private final String select;

  SpringRoutingClient(ReplicatedCluster<?> cluster, Config config) {
    this.primary = OffloadWorkload.NaiveClient.pool("spring-", cluster.primary(), config);
    for (ClusterNode node : cluster.replicas()) {
      replicas.add(OffloadWorkload.NaiveClient.pool("spring-", node, config));
    }
    this.dataSource = SpringStyleRouting.dataSource(primary, replicas);
    DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
    this.writes = new TransactionTemplate(transactions);
    DefaultTransactionDefinition readOnly =
        new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_REQUIRED);
    readOnly.setReadOnly(true);
    this.reads = new TransactionTemplate(transactions, readOnly);
    this.select = OffloadWorkload.select(config.database(), 1 + config.othersPerRead());
  }

  @Override
  public String write(String token, int id, long value) throws SQLException {
    run(
        writes,
        connection -> {
          OffloadWorkload.update(connection, id, value);
          return null;
        });
    return null;
  }

  @Override
  public Read read(String token, int[] ids) throws SQLException {
    return Read.of(run(reads, connection -> OffloadWorkload.select(connection, select, ids)));
  }

  /** What a repository method does inside its transaction, on the transaction's connection. */
  private interface Work<T> {
    T on(Connection connection) throws SQLException;
  }

  private <T> T run(TransactionTemplate transaction, Work<T> work) throws SQLException {
    try {
      return transaction.execute(
          status -> {
            Connection connection = DataSourceUtils.getConnection(dataSource);
            try {
              return work.on(connection);
            } catch (SQLException e) {
              throw new WrappedSqlException(e);
            } finally {
              DataSourceUtils.releaseConnection(connection, dataSource);
            }
          });
    } catch (WrappedSqlException e) {
      throw e.getCause();
    }
  }

  /** Carries a checked failure out of a transaction callback. */
  private static final class WrappedSqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrappedSqlException(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  @Override
  public void close() {
    primary.close();
    replicas.forEach(HikariDataSource::close);
  }
}
