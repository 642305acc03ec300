package dev.balanced.benchmarks;

import dev.balanced.testing.ReplicatedCluster;
import dev.balanced.testing.mariadb.MariaCluster;
import dev.balanced.testing.mariadb.MariaClusterOptions;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgClusterOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The databases the offload workload runs on: a primary with two replicas that apply late, and the
 * few statements that differ between them.
 */
enum BenchDatabase {
  POSTGRESQL("PostgreSQL primary + 2 hot standbys", "inet_server_port()") {
    @Override
    ReplicatedCluster<?> start(long applyDelayMs, int maxConnections) {
      return PgCluster.start(
          PgClusterOptions.defaults()
              .standbys(2)
              .applyDelayMs(applyDelayMs)
              .setting("max_connections", Integer.toString(maxConnections)));
    }

    @Override
    void fill(Statement s, int rows) throws SQLException {
      s.execute(
          "insert into bench_user select g, 0, repeat('x', 100) from generate_series(1, "
              + rows
              + ") g");
      s.execute("analyze bench_user");
    }

    @Override
    void afterReset(Statement s) throws SQLException {
      s.execute("vacuum bench_user");
    }
  },

  /** MariaDB delays replication in whole seconds ({@code MASTER_DELAY}); 1 s is the least. */
  MARIADB("MariaDB primary + 2 GTID replicas", "@@port") {
    @Override
    ReplicatedCluster<?> start(long applyDelayMs, int maxConnections) {
      if (applyDelayMs % 1000 != 0) {
        throw new IllegalArgumentException(
            "MariaDB delays replication in whole seconds: --apply-delay-ms "
                + applyDelayMs
                + " is not a multiple of 1000");
      }
      return MariaCluster.start(
          MariaClusterOptions.defaults()
              .replicas(2)
              .applyDelaySeconds((int) (applyDelayMs / 1000))
              .setting("max-connections", Integer.toString(maxConnections)));
    }

    @Override
    void fill(Statement s, int rows) throws SQLException {
      // seq_1_to_N: MariaDB's Sequence engine, on by default.
      s.execute("insert into bench_user select seq, 0, repeat('x', 100) from seq_1_to_" + rows);
      s.execute("analyze table bench_user");
    }

    @Override
    void afterReset(Statement s) {}
  };

  private final String description;
  private final String portFunction;

  BenchDatabase(String description, String portFunction) {
    this.description = description;
    this.portFunction = portFunction;
  }

  /** For the table's heading. */
  String description() {
    return description;
  }

  /** An expression whose value is the port of the server that runs the query. */
  String portFunction() {
    return portFunction;
  }

  abstract ReplicatedCluster<?> start(long applyDelayMs, int maxConnections);

  /** Creates and fills the table on the primary. */
  void createSchema(Connection primary, int rows) throws SQLException {
    try (Statement s = primary.createStatement()) {
      s.execute(
          "create table bench_user(id int primary key, counter bigint not null,"
              + " payload text not null)");
      fill(s, rows);
    }
  }

  abstract void fill(Statement s, int rows) throws SQLException;

  /** Housekeeping after the counters were reset between modes. */
  abstract void afterReset(Statement s) throws SQLException;

  static BenchDatabase parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown database " + name + ": postgresql or mariadb", e);
    }
  }
}
