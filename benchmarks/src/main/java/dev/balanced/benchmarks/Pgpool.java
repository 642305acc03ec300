package dev.balanced.benchmarks;

import dev.balanced.testing.ClusterNode;
import dev.balanced.testing.process.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Pgpool-II process in front of PostgreSQL servers, as its documentation sets it up for
 * read/write splitting: streaming-replication mode, {@code load_balance_mode = on}, its default
 * {@code disable_load_balance_on_write = transaction}, {@code statement_level_load_balance = on}
 * for pooled sessions, connection caching, every backend with weight 1; with {@code
 * delay_threshold_by_time} set, a standby further behind than that gets no reads. Started on a free
 * port from a generated configuration in a temp dir, stopped and removed on close; needs the {@code
 * pgpool} program ({@link #available()}).
 */
final class Pgpool implements AutoCloseable {
  private static final String PROGRAM = "pgpool";

  /** How to get it, for a run that leaves the pgpool rows out. */
  static final String INSTALL =
      "pgpool not found: the Pgpool-II rows are left out (Debian: apt-get install pgpool2)";

  private final Path directory;
  private final Process process;
  private final int port;

  /** Stops pgpool and its children if the JVM exits without {@link #close()}: a failed fork. */
  private final Thread onExit = new Thread(this::stop, "balanced-pgpool-stop");

  /** Whether {@code pgpool} is on the PATH or in /usr/sbin. */
  static boolean available() {
    return program() != null;
  }

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
   * @param backends the primary first, then the standbys
   * @param children {@code num_init_children}: how many client connections pgpool serves at once
   * @param delayThresholdMs {@code delay_threshold_by_time}, 0 for none
   */
  Pgpool(List<? extends ClusterNode> backends, int children, int delayThresholdMs) {
    Path program = program();
    if (program == null) {
      throw new IllegalStateException(INSTALL);
    }
    try {
      directory = Files.createTempDirectory("balanced-pgpool-");
      port = FreePorts.next();
      int pcpPort = FreePorts.next();
      Files.writeString(directory.resolve("pcp.conf"), "");
      Files.writeString(
          directory.resolve("pgpool.conf"),
          configuration(backends, pcpPort, children, delayThresholdMs));
      process =
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
      Runtime.getRuntime().addShutdownHook(onExit);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start pgpool", e);
    }
    awaitListening();
  }

  /** The JDBC URL of database {@code database} through pgpool. */
  String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private String configuration(
      List<? extends ClusterNode> backends, int pcpPort, int children, int delayThresholdMs) {
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
        // Pgpool's documentation ("Session Level Load Balancing vs. Statement Level Load
        // Balancing") advises it for applications whose own connection pool keeps sessions open,
        // where per session the node is drawn once per pooled connection.
        .append("statement_level_load_balance = on\n")
        .append("health_check_period = 0\n")
        .append("failover_on_backend_error = off\n")
        .append("use_watchdog = off\n")
        .append("enable_pool_hba = off\n")
        .append("sr_check_user = '")
        .append(backends.get(0).user())
        .append("'\n")
        .append("sr_check_database = 'postgres'\n")
        .append("sr_check_period = ")
        .append(delayThresholdMs > 0 ? 1 : 0)
        .append('\n')
        .append("delay_threshold_by_time = ")
        .append(delayThresholdMs)
        .append('\n');
    int backend = 0;
    for (ClusterNode node : backends) {
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

  private void awaitListening() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String log = log();
        close();
        throw new IllegalStateException("pgpool exited (" + process.exitValue() + "):\n" + log);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    String log = log();
    close();
    throw new IllegalStateException("pgpool did not listen on " + port + " within 30 s:\n" + log);
  }

  private String log() {
    try {
      return Files.readString(directory.resolve("pgpool.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook stops pgpool
    }
    stop();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is not worth failing a benchmark for
    }
  }

  /** Stops pgpool's processes: the children it forked (one per client slot), then pgpool. */
  private void stop() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
