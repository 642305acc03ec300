package dev.balanced.benchmarks;

import dev.balanced.benchmarks.OffloadWorkload.Client;
import dev.balanced.benchmarks.OffloadWorkload.Config;
import dev.balanced.benchmarks.OffloadWorkload.Read;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A client whose application uses one pool for every request and leaves the routing to what is
 * behind it (a driver, a proxy): a write is an update on a connection of it, a read the select.
 */
abstract class PlainPoolClient implements Client {
  private final String select;

  PlainPoolClient(Config config) {
    this.select = OffloadWorkload.select(config.database(), 1 + config.othersPerRead());
  }

  /** The application's pool. */
  abstract DataSource pool();

  @Override
  public final String write(String token, int id, long value) throws SQLException {
    OffloadWorkload.update(pool(), id, value);
    return null;
  }

  @Override
  public final Read read(String token, int[] ids) throws SQLException {
    try (Connection connection = pool().getConnection()) {
      return read(connection, ids);
    }
  }

  /** The read on {@code connection}; a subclass marks it as its application would. */
  Read read(Connection connection, int[] ids) throws SQLException {
    return Read.of(OffloadWorkload.select(connection, select, ids));
  }
}
