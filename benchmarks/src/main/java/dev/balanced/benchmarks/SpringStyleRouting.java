package dev.balanced.benchmarks;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What most Java teams hand-write instead of a library: an {@link AbstractRoutingDataSource} that
 * sends a read-only transaction to a replica chosen at random and everything else to the primary,
 * behind a {@link LazyConnectionDataSourceProxy}, so that the choice is made at the first
 * statement, once the transaction manager has marked the transaction read-only.
 */
final class SpringStyleRouting {
  private static final String PRIMARY = "primary";

  private SpringStyleRouting() {}

  /** The data source the application (or Hibernate) is given. */
  static DataSource dataSource(DataSource primary, List<? extends DataSource> replicas) {
    Map<Object, Object> targets = new HashMap<>();
    targets.put(PRIMARY, primary);
    for (int i = 0; i < replicas.size(); i++) {
      targets.put(i, replicas.get(i));
    }
    int count = replicas.size();
    AbstractRoutingDataSource routing =
        new AbstractRoutingDataSource() {
          @Override
          protected Object determineCurrentLookupKey() {
            return TransactionSynchronizationManager.isCurrentTransactionReadOnly()
                ? ThreadLocalRandom.current().nextInt(count)
                : PRIMARY;
          }
        };
    routing.setTargetDataSources(targets);
    routing.setDefaultTargetDataSource(primary);
    routing.afterPropertiesSet();
    return new LazyConnectionDataSourceProxy(routing);
  }
}
