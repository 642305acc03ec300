package dev.balanced.spring.autoconfigure;

import dev.balanced.spi.BalancedRuntime;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * Plain connections to the primary from the runtime's pool, for schema migrations: a migration tool
 * reads its history table before it writes, and must read it where it writes, never from a replica
 * that has not replayed the last migration.
 */
final class PrimaryDataSource extends AbstractDataSource {
  private final BalancedRuntime runtime;

  PrimaryDataSource(BalancedRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return runtime.connectPrimary();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "Balanced's primary takes its credentials from spring.datasource.* or balanced.primary.*,"
            + " not per call");
  }

  @Override
  public String toString() {
    return "Balanced primary DataSource";
  }
}
