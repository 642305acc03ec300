package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import javax.sql.DataSource;
import software.amazon.jdbc.Driver;
import software.amazon.jdbc.HikariPooledConnectionProvider;

/**
 * The AWS Advanced JDBC Wrapper's read/write splitting, set up as its documentation does for a
 * cluster that is not Aurora: a connection-string host list whose first host is the writer and the
 * others readers ({@code singleWriterConnectionString=true}), the {@code readWriteSplitting} plugin
 * choosing a random reader, internal HikariCP pools for the connections it switches between, and an
 * external HikariCP pool for the application's connections. The application calls {@code
 * setReadOnly(true)} for a read transaction (Spring's {@code @Transactional(readOnly = true)} does)
 * and the plugin moves the connection to a reader.
 *
 * <p>The wrapper's connection provider is one per JVM: one pool at a time.
 */
final class AwsWrapperPool implements AutoCloseable {
  private final HikariDataSource pool;
  private final HikariPooledConnectionProvider internalPools;

  /**
   * @param protocol the target driver's, {@code postgresql} or {@code h2:tcp}
   * @param hosts {@code host:port} of the writer, then of each reader
   * @param database what follows the host list in the URL
   * @param dialect {@code wrapperDialect}: {@code pg}, or {@code unknown} for H2
   * @param size the size of the external pool and of each internal one
   */
  AwsWrapperPool(
      String protocol,
      List<String> hosts,
      String database,
      String user,
      String password,
      String dialect,
      int size) {
    this.internalPools =
        new HikariPooledConnectionProvider(
            (host, properties) -> {
              HikariConfig internal = new HikariConfig();
              internal.setMaximumPoolSize(size);
              internal.setMinimumIdle(size);
              return internal;
            });
    Driver.setCustomConnectionProvider(internalPools);
    HikariConfig external = new HikariConfig();
    external.setPoolName("aws-wrapper");
    external.setJdbcUrl(
        "jdbc:aws-wrapper:" + protocol + "://" + String.join(",", hosts) + "/" + database);
    external.setUsername(user);
    if (password != null) {
      external.setPassword(password);
    }
    external.setMaximumPoolSize(size);
    external.setMinimumIdle(size);
    external.addDataSourceProperty("wrapperPlugins", "readWriteSplitting");
    external.addDataSourceProperty("wrapperDialect", dialect);
    external.addDataSourceProperty("readerHostSelectorStrategy", "random");
    // Without it the host list has no reader, and every read silently stays on the writer.
    external.addDataSourceProperty("singleWriterConnectionString", "true");
    this.pool = new HikariDataSource(external);
  }

  DataSource dataSource() {
    return pool;
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
