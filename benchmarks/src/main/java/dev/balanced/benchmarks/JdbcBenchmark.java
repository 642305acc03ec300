package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.BalancedDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Raw JDBC, the shortest path through the library: get a connection, run one prepared select by
 * primary key, close. {@code baseline}: a {@link HikariDataSource}; {@code balanced}: a {@link
 * BalancedDataSource} whose primary and replica are the same H2 database. Both run in the same JVM
 * and take {@link Turns}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = OverheadBenchmarks.FORKS,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.jboss.logging.provider=slf4j"})
@Warmup(iterations = OverheadBenchmarks.WARMUP_ITERATIONS, time = 1)
@Measurement(
    iterations = OverheadBenchmarks.MEASUREMENT_ITERATIONS,
    time = OverheadBenchmarks.MEASUREMENT_MILLIS,
    timeUnit = TimeUnit.MILLISECONDS)
public class JdbcBenchmark {
  private static final String SELECT = "select name, amount from bench_item where id = ?";

  private HikariDataSource baseline;
  private BalancedDataSource balanced;
  private Turns<DataSource> turns;
  private DataSource dataSource;
  private long next;

  @Setup(Level.Trial)
  public void start() {
    H2Bench.createSchema();
    baseline = H2Bench.hikari();
    balanced = BalancedDataSource.fromProperties(H2Bench.balancedSettings("balanced."));
    turns = new Turns<>(baseline, balanced);
  }

  @Setup(Level.Iteration)
  public void takeTurn() {
    dataSource = turns.next();
  }

  @TearDown(Level.Trial)
  public void stop() {
    baseline.close();
    balanced.close();
  }

  /** Get a connection, one prepared select of one row, close everything. */
  @Benchmark
  public long selectOne() throws SQLException {
    next = next % H2Bench.ROWS + 1;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT)) {
      select.setLong(1, next);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getLong(2);
      }
    }
  }
}
