package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.benchmarks.OffloadWorkload.Client;
import dev.balanced.benchmarks.OffloadWorkload.Config;
import dev.balanced.benchmarks.OffloadWorkload.Read;
import dev.balanced.testing.ClusterNode;
import dev.balanced.testing.ReplicatedCluster;
import dev.balanced.testing.process.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Pgpool-II in front of the same primary and standbys, as its documentation sets it up for
 * read/write splitting: streaming-replication mode, {@code load_balance_mode = on}, its default
 * {@code disable_load_balance_on_write = transaction}, connection caching; with {@code
 * delay_threshold_ms} set, a standby further behind than that gets no reads. The application
 * connects to pgpool with a plain HikariCP pool and does nothing special. Started on a free port
 * from a generated configuration in a temp dir, stopped on close; needs the {@code pgpool} program
 * ({@link #available()}).
 */
final class PgpoolClient implements Client {
  private static final String PROGRAM = "pgpool";

  private final Path directory;
  private final Process pgpool;
  private final HikariDataSource pool;
  private final String select;

  /** Whether {@code pgpool} is on the PATH or in /usr/sbin. */
  static boolean available() {
    return program() != null;
  }

  /** How to get it, for a run that leaves the pgpool rows out. */
  static final String INSTALL =
      "pgpool not found: the Pgpool-II rows are left out (Debian: apt-get install pgpool2)";

  private static Path program() {
    List<String> dirs = new ArrayList<>(List.of("/usr/sbin", "/usr/local/sbin"));
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    for (String dir : dirs) {
      Path candidate = Path.of(dir, PROGRAM);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * @param delayThresholdMs {@code delay_threshold_ms}, 0 for none
   */
  PgpoolClient(ReplicatedCluster<?> cluster, Config config, int delayThresholdMs) {
    Path program = program();
    if (program == null) {
      throw new IllegalStateException(INSTALL);
    }
    if (!config.database().equals(BenchDatabase.POSTGRESQL)) {
      throw new IllegalArgumentException("the pgpool modes run on PostgreSQL only");
    }
    int children = config.users() + 2;
    try {
      directory = Files.createTempDirectory("balanced-pgpool-");
      int port = FreePorts.next();
      int pcpPort = FreePorts.next();
      Files.writeString(directory.resolve("pcp.conf"), "");
      Files.writeString(
          directory.resolve("pgpool.conf"),
          configuration(cluster, port, pcpPort, children, delayThresholdMs));
      pgpool =
          new ProcessBuilder(
                  program.toString(),
                  "-n",
                  "-f",
                  directory.resolve("pgpool.conf").toString(),
                  "-F",
                  directory.resolve("pcp.conf").toString())
              .redirectErrorStream(true)
              .redirectOutput(directory.resolve("pgpool.log").toFile())
              .start();
      awaitListening(port);
      HikariConfig hikari = new HikariConfig();
      hikari.setPoolName("pgpool");
      ClusterNode primary = cluster.primary();
      hikari.setJdbcUrl(
          "jdbc:postgresql://127.0.0.1:" + port + "/" + OffloadWorkload.databaseOf(primary));
      hikari.setUsername(primary.user());
      hikari.setMaximumPoolSize(children - 1);
      hikari.setMinimumIdle(children - 1);
      pool = new HikariDataSource(hikari);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start pgpool", e);
    }
    this.select = OffloadWorkload.select(config.database(), 1 + config.othersPerRead());
  }

  private String configuration(
      ReplicatedCluster<?> cluster, int port, int pcpPort, int children, int delayThresholdMs) {
    StringBuilder conf = new StringBuilder();
    conf.append("backend_clustering_mode = 'streaming_replication'\n")
        .append("listen_addresses = '127.0.0.1'\n")
        .append("port = ")
        .append(port)
        .append('\n')
        .append("pcp_listen_addresses = '127.0.0.1'\n")
        .append("pcp_port = ")
        .append(pcpPort)
        .append('\n')
        .append("socket_dir = '")
        .append(directory)
        .append("'\n")
        .append("pcp_socket_dir = '")
        .append(directory)
        .append("'\n")
        .append("unix_socket_directories = '")
        .append(directory)
        .append("'\n")
        .append("pid_file_name = '")
        .append(directory.resolve("pgpool.pid"))
        .append("'\n")
        .append("logdir = '")
        .append(directory)
        .append("'\n")
        .append("num_init_children = ")
        .append(children)
        .append('\n')
        .append("max_pool = 1\n")
        .append("connection_cache = on\n")
        .append("load_balance_mode = on\n")
        .append("disable_load_balance_on_write = 'transaction'\n")
        .append("health_check_period = 0\n")
        .append("failover_on_backend_error = off\n")
        .append("use_watchdog = off\n")
        .append("enable_pool_hba = off\n")
        .append("sr_check_user = '")
        .append(cluster.primary().user())
        .append("'\n")
        .append("sr_check_database = 'postgres'\n")
        .append("sr_check_period = ")
        .append(delayThresholdMs > 0 ? 1 : 0)
        .append('\n')
        .append("delay_threshold_by_time = ")
        .append(delayThresholdMs)
        .append('\n');
    int backend = 0;
    List<ClusterNode> nodes = new ArrayList<>();
    nodes.add(cluster.primary());
    nodes.addAll(cluster.replicas());
    for (ClusterNode node : nodes) {
      conf.append("backend_hostname")
          .append(backend)
          .append(" = '127.0.0.1'\n")
          .append("backend_port")
          .append(backend)
          .append(" = ")
          .append(node.port())
          .append('\n')
          .append("backend_weight")
          .append(backend)
          .append(" = 1\n")
          .append("backend_flag")
          .append(backend)
          .append(" = 'DISALLOW_TO_FAILOVER'\n");
      backend++;
    }
    return conf.toString();
  }

  private void awaitListening(int port) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!pgpool.isAlive()) {
        throw new IllegalStateException("pgpool exited (" + pgpool.exitValue() + "):\n" + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    close();
    throw new IllegalStateException("pgpool did not listen on " + port + " within 30 s:\n" + log());
  }

  private String log() {
    try {
      return Files.readString(directory.resolve("pgpool.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
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
      long[] seen = OffloadWorkload.select(connection, select, ids);
      return new Read(seen[0], (int) seen[1], null, null);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
    pgpool.destroy();
    try {
      if (!pgpool.waitFor(10, TimeUnit.SECONDS)) {
        pgpool.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is not worth failing a benchmark for
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
