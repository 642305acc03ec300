package dev.balanced.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.BalancedDataSource;
import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import dev.balanced.testing.ClusterNode;
import dev.balanced.testing.ReplicatedCluster;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Replica offload and staleness on a real PostgreSQL primary with hot standbys that apply WAL late
 * (100 ms by default), or a real MariaDB primary with GTID replicas ({@code MASTER_DELAY=1}, 1 s,
 * MariaDB's least), started through the test clusters.
 *
 * <p>K simulated users loop over requests, with a short think time between two requests of a user
 * (20 ms on average by default, 200 ms on MariaDB, a fifth of the apply delay on both, drawn
 * between half and one and a half times that per request; without it every user writes every few
 * milliseconds, so every read follows a write by less than the apply delay and no correct router
 * could use a replica at all). A request either writes the user's own row (its counter + 1) or
 * reads the user's own row and a few others; every read of its own row compares the counter with
 * the last value that user wrote, and a lower one is a stale read. Each user is a client that
 * carries its consistency token from one request to the next. The same workload, with the same seed
 * (each user draws the same sequence of requests), runs once per mode:
 *
 * <ul>
 *   <li>{@code naive}: the django-lb router, as plain as it gets: one HikariCP pool per node, every
 *       read on a standby pool, every write on the primary pool, no pinning at all;
 *   <li>{@code spring}: what Java teams hand-write with Spring ({@link SpringRoutingClient}): reads
 *       in read-only transactions routed to a standby, everything else to the primary;
 *   <li>{@code aws} (PostgreSQL): the AWS Advanced JDBC Wrapper's read/write splitting ({@link
 *       AwsWrapperClient}), reads marked with {@code setReadOnly(true)};
 *   <li>{@code pgpool}, {@code pgpool:N} (PostgreSQL, where {@code pgpool} is installed): Pgpool-II
 *       load balancing in front of the same servers ({@link PgpoolClient}), with {@code
 *       delay_threshold_by_time=N};
 *   <li>{@code session}, {@code time:N}, {@code lsn}, {@code lsn:W}, {@code position}, {@code
 *       position:W}: a {@link BalancedDataSource} with that consistency ({@code pin_seconds=N},
 *       {@code lsn_wait_ms=W}; {@code lsn} and {@code position} are one mode under two names); each
 *       request is a {@link PinningContext} opened with the user's token and one connection.
 * </ul>
 *
 * <p>Which node served a read is what the server says: the read's own query returns {@code
 * inet_server_port()} ({@code @@port} on MariaDB) as a column, so knowing costs no extra round trip
 * and is the same truth for every mode. For Balanced the routing's own prediction ({@code
 * currentEngine()} before the read) is checked against it.
 */
public final class OffloadWorkload {
  private static final String SECRET = "balanced-benchmarks-token-secret-of-some-length";

  /** Below 1% of reads the bound is noise, and a fraction of it means nothing. */
  private static final double MEANINGFUL_BOUND = 0.01;

  private OffloadWorkload() {}

  public static void main(String[] args) {
    Config config;
    try {
      config = Config.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(Config.USAGE);
      System.exit(2);
      return;
    }
    System.out.println(table(config, run(config, System.err)));
  }

  // ---------------------------------------------------------------------------- configuration

  /** What to run; {@link #defaults()} are the published run's settings. */
  public record Config(
      BenchDatabase database,
      int users,
      double writeShare,
      Duration duration,
      Duration warmup,
      long thinkMillis,
      long seed,
      int othersPerRead,
      int rows,
      long applyDelayMs,
      List<Mode> modes) {

    static final String USAGE =
        "OffloadWorkload [--database postgresql|mariadb] [--users 16] [--write-share 0.10]"
            + " [--seconds 20] [--warmup-seconds 2] [--think-ms 20] [--seed 42] [--others 4]"
            + " [--rows 1000] [--apply-delay-ms 100] [--modes naive,spring,aws,pgpool,pgpool:50,session,time:15,time:1,lsn,lsn:50]"
            + " (MariaDB: --think-ms 200 --apply-delay-ms 1000, modes with position for lsn)";

    public static Config defaults() {
      return defaults(BenchDatabase.POSTGRESQL);
    }

    /**
     * The published run's settings for that database. MariaDB's least replication delay is 1 s, ten
     * times PostgreSQL's 100 ms here, so its think time is ten times longer too: a read then
     * follows its user's write by as many apply delays as on PostgreSQL.
     */
    public static Config defaults(BenchDatabase database) {
      boolean mariadb = database == BenchDatabase.MARIADB;
      return new Config(
          database,
          16,
          0.10,
          Duration.ofSeconds(20),
          Duration.ofSeconds(2),
          mariadb ? 200 : 20,
          42,
          4,
          1000,
          mariadb ? 1000 : 100,
          Mode.parseAll(
              mariadb
                  ? "naive,spring,session,time:15,time:1,position,position:500"
                  : Pgpool.available()
                      ? "naive,spring,aws,pgpool,pgpool:50,session,time:15,time:1,lsn,lsn:50"
                      : "naive,spring,aws,session,time:15,time:1,lsn,lsn:50"));
    }

    /** The defaults, changed by {@code --name value} pairs. */
    public static Config parse(String... args) {
      if (args.length % 2 != 0) {
        throw new IllegalArgumentException("expected --name value pairs");
      }
      Map<String, String> given = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        given.put(args[i], args[i + 1]);
      }
      String databaseName = given.remove("--database");
      Config d =
          defaults(
              databaseName == null ? BenchDatabase.POSTGRESQL : BenchDatabase.parse(databaseName));
      Config c =
          new Config(
              d.database,
              Integer.parseInt(take(given, "--users", d.users)),
              Double.parseDouble(take(given, "--write-share", d.writeShare)),
              seconds(take(given, "--seconds", d.duration.toMillis() / 1000.0)),
              seconds(take(given, "--warmup-seconds", d.warmup.toMillis() / 1000.0)),
              Long.parseLong(take(given, "--think-ms", d.thinkMillis)),
              Long.parseLong(take(given, "--seed", d.seed)),
              Integer.parseInt(take(given, "--others", d.othersPerRead)),
              Integer.parseInt(take(given, "--rows", d.rows)),
              Long.parseLong(take(given, "--apply-delay-ms", d.applyDelayMs)),
              given.containsKey("--modes") ? Mode.parseAll(given.remove("--modes")) : d.modes);
      if (!given.isEmpty()) {
        throw new IllegalArgumentException("unknown option(s) " + given.keySet());
      }
      c.validate();
      return c;
    }

    private static String take(Map<String, String> given, String name, Object otherwise) {
      String value = given.remove(name);
      return value != null ? value : String.valueOf(otherwise);
    }

    private static Duration seconds(String value) {
      return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }

    private void validate() {
      if (users < 1
          || writeShare < 0
          || writeShare > 1
          || duration.isNegative()
          || thinkMillis < 0) {
        throw new IllegalArgumentException("out of range: " + this);
      }
      if (duration.isZero() || othersPerRead < 0 || rows < 1 || modes.isEmpty()) {
        throw new IllegalArgumentException("out of range: " + this);
      }
    }

    /** Every user owns one row: at least as many rows as users. */
    int tableRows() {
      return Math.max(rows, users);
    }
  }

  /**
   * A routing under test: {@code naive} (plain pools), {@code spring} (Spring-style routing by
   * read-only transactions), or Balanced with these settings.
   */
  public record Mode(String name, String label, Map<String, String> balanced) {
    boolean isNaive() {
      return name.equals("naive");
    }

    boolean isSpring() {
      return name.equals("spring");
    }

    boolean isAwsWrapper() {
      return name.equals("aws");
    }

    boolean isPgpool() {
      return name.startsWith("pgpool");
    }

    /** {@code pgpool:N}: N; {@code pgpool}: 0, none. */
    int pgpoolDelayThresholdMs() {
      int colon = name.indexOf(':');
      return colon < 0 ? 0 : Integer.parseInt(name.substring(colon + 1));
    }

    /** Read-your-writes by replication position: what the bound is compared with. */
    boolean byPosition() {
      return name.startsWith("lsn") || name.startsWith("position");
    }

    static List<Mode> parseAll(String names) {
      return Arrays.stream(names.split(",")).map(String::trim).map(Mode::parse).toList();
    }

    static Mode parse(String name) {
      String[] parts = name.split(":", 2);
      String argument = parts.length == 2 ? parts[1] : null;
      Map<String, String> settings = new LinkedHashMap<>();
      switch (parts[0]) {
        case "naive" -> {
          if (argument != null) {
            throw new IllegalArgumentException("naive takes no argument: " + name);
          }
          return new Mode(name, "naive (reads on standbys, no pin)", null);
        }
        case "spring" -> {
          if (argument != null) {
            throw new IllegalArgumentException("spring takes no argument: " + name);
          }
          return new Mode(name, "Spring-style routing (read-only transactions on standbys)", null);
        }
        case "aws" -> {
          if (argument != null) {
            throw new IllegalArgumentException("aws takes no argument: " + name);
          }
          return new Mode(name, "AWS JDBC wrapper, readWriteSplitting (setReadOnly)", null);
        }
        case "pgpool" -> {
          if (argument == null) {
            return new Mode(name, "Pgpool-II, load_balance_mode", null);
          }
          int threshold = Integer.parseInt(argument);
          return new Mode(
              name, "Pgpool-II, load_balance_mode, delay_threshold_by_time=" + threshold, null);
        }
        case "session" -> {
          if (argument != null) {
            throw new IllegalArgumentException("session takes no argument: " + name);
          }
          settings.put("balanced.consistency", "session");
          return new Mode(name, "session", settings);
        }
        case "time" -> {
          String pin = argument != null ? argument : "15";
          settings.put("balanced.consistency", "time");
          settings.put("balanced.pin_seconds", Integer.toString(Integer.parseInt(pin)));
          settings.put("balanced.token_secret", SECRET);
          return new Mode(name, "time, pin_seconds=" + pin, settings);
        }
        case "lsn", "position" -> {
          settings.put("balanced.consistency", parts[0]);
          settings.put("balanced.token_secret", SECRET);
          if (argument == null) {
            return new Mode(name, parts[0], settings);
          }
          settings.put("balanced.lsn_wait_ms", Integer.toString(Integer.parseInt(argument)));
          return new Mode(name, parts[0] + ", lsn_wait_ms=" + argument, settings);
        }
        default ->
            throw new IllegalArgumentException(
                "unknown mode "
                    + name
                    + ": naive, spring, aws (PostgreSQL), pgpool[:delay_threshold_ms] (PostgreSQL),"
                    + " session, time[:pin_seconds],"
                    + " lsn[:lsn_wait_ms],"
                    + " position[:lsn_wait_ms]");
      }
    }
  }

  // ---------------------------------------------------------------------------- running

  /** What one mode measured, over the measured window only (after the warm-up). */
  public record Result(
      Mode mode,
      long requests,
      double seconds,
      long reads,
      long replicaReads,
      long staleReads,
      long mispredicted,
      long errors,
      String firstError,
      double p50Millis,
      double p99Millis) {

    double requestsPerSecond() {
      return requests / seconds;
    }

    double replicaShare() {
      return reads == 0 ? 0 : (double) replicaReads / reads;
    }

    double staleShare() {
      return reads == 0 ? 0 : (double) staleReads / reads;
    }
  }

  /**
   * Starts the cluster, runs every mode in turn, stops the cluster. Progress goes to {@code log}.
   */
  public static List<Result> run(Config config, PrintStream log) {
    log.printf(
        Locale.ROOT,
        "Starting %s, apply delay %d ms%n",
        config.database().description(),
        config.applyDelayMs());
    if (config.database() == BenchDatabase.POSTGRESQL && !Pgpool.available()) {
      log.println(Pgpool.INSTALL);
    }
    int connections = Math.max(60, 2 * config.users() + 20);
    try (ReplicatedCluster<?> cluster =
        config.database().start(config.applyDelayMs(), connections)) {
      createSchema(cluster, config);
      List<Result> results = new ArrayList<>();
      for (Mode mode : config.modes()) {
        log.printf(
            Locale.ROOT,
            "Mode %s: %d users, %.1f s warm-up + %.1f s measured%n",
            mode.name(),
            config.users(),
            config.warmup().toMillis() / 1000.0,
            config.duration().toMillis() / 1000.0);
        Result result = runMode(cluster, config, mode);
        log.println("  " + row(result));
        results.add(result);
      }
      return results;
    }
  }

  private static void createSchema(ReplicatedCluster<?> cluster, Config config) {
    try (Connection c = cluster.primary().connect()) {
      config.database().createSchema(c, config.tableRows());
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create the workload schema", e);
    }
    cluster.waitForReplay(Duration.ofSeconds(60));
  }

  /** Every mode starts from counters at 0, replayed everywhere. */
  private static void resetCounters(ReplicatedCluster<?> cluster, Config config) {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("update bench_user set counter = 0 where counter <> 0");
      config.database().afterReset(s);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot reset the counters", e);
    }
    cluster.waitForReplay(Duration.ofSeconds(60));
  }

  private static Result runMode(ReplicatedCluster<?> cluster, Config config, Mode mode) {
    resetCounters(cluster, config);
    Set<Integer> standbyPorts =
        cluster.replicas().stream().map(ClusterNode::port).collect(Collectors.toSet());
    try (Client client =
        mode.isNaive()
            ? new NaiveClient(cluster, config)
            : mode.isSpring()
                ? new SpringRoutingClient(cluster, config)
                : mode.isAwsWrapper()
                    ? new AwsWrapperClient(cluster, config)
                    : mode.isPgpool()
                        ? new PgpoolClient(cluster, config, mode.pgpoolDelayThresholdMs())
                        : new BalancedClient(cluster, config, mode)) {
      long start = System.nanoTime() + Duration.ofMillis(100).toNanos();
      long measureFrom = start + config.warmup().toNanos();
      long end = measureFrom + config.duration().toNanos();
      ExecutorService threads = Executors.newFixedThreadPool(config.users());
      try {
        List<Future<UserStats>> users = new ArrayList<>();
        for (int i = 0; i < config.users(); i++) {
          User user = new User(i + 1, config, client, standbyPorts, start, measureFrom, end);
          users.add(threads.submit(user::run));
        }
        UserStats total = new UserStats();
        for (Future<UserStats> user : users) {
          total.add(user.get());
        }
        return total.result(mode, config.duration());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("a simulated user failed", e.getCause());
      } finally {
        threads.shutdownNow();
      }
    }
  }

  /** One simulated user: one thread, one own row, one token carried between its requests. */
  private static final class User {
    private final int id;
    private final Config config;
    private final Client client;
    private final Set<Integer> standbyPorts;
    private final long start;
    private final long measureFrom;
    private final long end;

    User(
        int id,
        Config config,
        Client client,
        Set<Integer> standbyPorts,
        long start,
        long measureFrom,
        long end) {
      this.id = id;
      this.config = config;
      this.client = client;
      this.standbyPorts = standbyPorts;
      this.start = start;
      this.measureFrom = measureFrom;
      this.end = end;
    }

    UserStats run() throws InterruptedException {
      // The same seed gives this user the same sequence of requests in every mode.
      Random plan = new Random(config.seed() * 1_000_003L + id);
      // Think times of their own, so that users do not march in step: MariaDB delays replication
      // by whole seconds of the primary's clock, and users in step would all write at the same
      // point of a second, making the staleness of a whole run depend on when it started.
      Random pace = new Random(config.seed() * 7_919L + id);
      UserStats stats = new UserStats();
      String token = null;
      long lastWritten = 0;
      int[] ids = new int[1 + config.othersPerRead()];
      ids[0] = id;
      long wait = start - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      while (true) {
        long began = System.nanoTime();
        if (began >= end) {
          return stats;
        }
        boolean measured = began >= measureFrom;
        boolean write = plan.nextDouble() < config.writeShare();
        for (int i = 1; i < ids.length; i++) {
          ids[i] = 1 + plan.nextInt(config.tableRows());
        }
        try {
          if (write) {
            token = client.write(token, id, lastWritten + 1);
            lastWritten++;
          } else {
            Read read = client.read(token, ids);
            token = read.token();
            if (measured) {
              boolean onStandby = standbyPorts.contains(read.port());
              stats.reads++;
              stats.replicaReads += onStandby ? 1 : 0;
              stats.staleReads += read.ownCounter() < lastWritten ? 1 : 0;
              stats.mispredicted +=
                  read.predictedStandby() != null && read.predictedStandby() != onStandby ? 1 : 0;
            }
          }
        } catch (SQLException | RuntimeException e) {
          if (measured) {
            stats.error(e);
          }
        }
        if (measured) {
          stats.latency(System.nanoTime() - began);
        }
        if (config.thinkMillis() > 0) {
          // Uniform between half and one and a half times the think time.
          Thread.sleep(config.thinkMillis() / 2 + pace.nextLong(config.thinkMillis() + 1));
        }
      }
    }
  }

  /** Counts of one user, then of all of them. */
  private static final class UserStats {
    long reads;
    long replicaReads;
    long staleReads;
    long mispredicted;
    long errors;
    String firstError;
    long[] latencies = new long[1024];
    int requests;

    void latency(long nanos) {
      if (requests == latencies.length) {
        latencies = Arrays.copyOf(latencies, requests * 2);
      }
      latencies[requests++] = nanos;
    }

    void error(Exception e) {
      errors++;
      if (firstError == null) {
        firstError = e.toString();
      }
    }

    void add(UserStats other) {
      reads += other.reads;
      replicaReads += other.replicaReads;
      staleReads += other.staleReads;
      mispredicted += other.mispredicted;
      errors += other.errors;
      if (firstError == null) {
        firstError = other.firstError;
      }
      for (int i = 0; i < other.requests; i++) {
        latency(other.latencies[i]);
      }
    }

    Result result(Mode mode, Duration duration) {
      long[] sorted = Arrays.copyOf(latencies, requests);
      Arrays.sort(sorted);
      return new Result(
          mode,
          requests,
          duration.toNanos() / 1e9,
          reads,
          replicaReads,
          staleReads,
          mispredicted,
          errors,
          firstError,
          percentile(sorted, 0.50) / 1e6,
          percentile(sorted, 0.99) / 1e6);
    }

    private static double percentile(long[] sorted, double p) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(p * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
  }

  // ---------------------------------------------------------------------------- clients

  /**
   * What a read saw: the user's own counter, the port of the server that answered, Balanced's
   * prediction (null for naive) and the token to carry on.
   */
  record Read(long ownCounter, int port, Boolean predictedStandby, String token) {
    /**
     * What {@link #select(Connection, String, int[])} saw, from a client without prediction or
     * token.
     */
    static Read of(long[] seen) {
      return new Read(seen[0], (int) seen[1], null, null);
    }
  }

  /** The application under test, seen from a user: one call per request. */
  interface Client extends AutoCloseable {
    /** Sets the user's counter in one request; returns the token for the user's next request. */
    String write(String token, int id, long value) throws SQLException;

    /** Reads the rows {@code ids} in one request; {@code ids[0]} is the user's own row. */
    Read read(String token, int[] ids) throws SQLException;

    @Override
    void close();
  }

  private static final String UPDATE = "update bench_user set counter = ? where id = ?";

  /** The database name at the end of {@code node}'s JDBC URL. */
  static String databaseOf(ClusterNode node) {
    String url = node.jdbcUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  static String select(BenchDatabase database, int rows) {
    return "select id, counter, "
        + database.portFunction()
        + " from bench_user where id in ("
        + String.join(", ", java.util.Collections.nCopies(rows, "?"))
        + ")";
  }

  /** A write as a plain pool runs it: one connection of {@code pool}, the update, autocommit. */
  static void update(DataSource pool, int id, long value) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      update(connection, id, value);
    }
  }

  static void update(Connection connection, int id, long value) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
      update.setLong(1, value);
      update.setInt(2, id);
      if (update.executeUpdate() != 1) {
        throw new SQLException("row " + id + " not found");
      }
    }
  }

  /** Runs the read; returns {own counter, server port}. */
  static long[] select(Connection connection, String sql, int[] ids) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < ids.length; i++) {
        select.setInt(i + 1, ids[i]);
      }
      long own = -1;
      long port = -1;
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          if (rs.getInt(1) == ids[0]) {
            own = rs.getLong(2);
          }
          port = rs.getInt(3);
        }
      }
      if (own < 0) {
        throw new SQLException("row " + ids[0] + " not found");
      }
      return new long[] {own, port};
    }
  }

  /** The same HikariCP settings for every pool of every mode. */
  private static Map<String, String> hikariSettings(Config config) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("maximumPoolSize", Integer.toString(config.users() + 2));
    settings.put("minimumIdle", Integer.toString(config.users() + 2));
    return settings;
  }

  /** Reads on a standby pool chosen at random per request, writes on the primary pool. */
  static final class NaiveClient implements Client {
    private final HikariDataSource primary;
    private final List<HikariDataSource> standbys = new ArrayList<>();
    private final String select;

    NaiveClient(ReplicatedCluster<?> cluster, Config config) {
      this.primary = pool(cluster.primary(), config);
      for (ClusterNode standby : cluster.replicas()) {
        standbys.add(pool(standby, config));
      }
      this.select = select(config.database(), 1 + config.othersPerRead());
    }

    static HikariDataSource pool(ClusterNode node, Config config) {
      return pool("naive-", node, config);
    }

    /** A plain HikariCP pool for {@code node}, named {@code prefix + name}, as every mode has. */
    static HikariDataSource pool(String prefix, ClusterNode node, Config config) {
      java.util.Properties properties = new java.util.Properties();
      properties.putAll(hikariSettings(config));
      HikariConfig hikari = new HikariConfig(properties);
      hikari.setPoolName(prefix + node.name());
      hikari.setJdbcUrl(node.jdbcUrl());
      hikari.setUsername(node.user());
      hikari.setPassword(node.password());
      return new HikariDataSource(hikari);
    }

    @Override
    public String write(String token, int id, long value) throws SQLException {
      update(primary, id, value);
      return null;
    }

    @Override
    public Read read(String token, int[] ids) throws SQLException {
      HikariDataSource standby = standbys.get(ThreadLocalRandom.current().nextInt(standbys.size()));
      try (Connection c = standby.getConnection()) {
        return Read.of(select(c, select, ids));
      }
    }

    @Override
    public void close() {
      primary.close();
      standbys.forEach(HikariDataSource::close);
    }
  }

  /**
   * Balanced as an application uses it: each request is a {@link PinningContext} opened with the
   * user's token, with one connection; the context's token after it goes back to the user.
   */
  private static final class BalancedClient implements Client {
    private final BalancedDataSource dataSource;
    private final String select;

    BalancedClient(ReplicatedCluster<?> cluster, Config config, Mode mode) {
      Map<String, Object> settings = new LinkedHashMap<>();
      ClusterNode primary = cluster.primary();
      settings.put("balanced.primary.url", primary.jdbcUrl());
      settings.put("balanced.primary.username", primary.user());
      if (primary.password() != null) {
        settings.put("balanced.primary.password", primary.password());
      }
      hikariSettings(config).forEach((k, v) -> settings.put("balanced.primary.hikari." + k, v));
      for (ClusterNode standby : cluster.replicas()) {
        settings.put("balanced.replicas." + standby.name() + ".url", standby.jdbcUrl());
      }
      settings.putAll(mode.balanced());
      this.dataSource = BalancedDataSource.fromProperties(settings);
      this.select = select(config.database(), 1 + config.othersPerRead());
    }

    @Override
    public String write(String token, int id, long value) throws SQLException {
      try (PinningContext request = PinningContext.open(token)) {
        try (Connection c = dataSource.getConnection()) {
          update(c, id, value);
        }
        return request.token();
      }
    }

    @Override
    public Read read(String token, int[] ids) throws SQLException {
      try (PinningContext request = PinningContext.open(token)) {
        boolean predictedStandby;
        long[] seen;
        try (Connection c = dataSource.getConnection()) {
          String engine = c.unwrap(BalancedSession.class).currentEngine();
          predictedStandby = !BalancedSession.PRIMARY.equals(engine);
          seen = select(c, select, ids);
        }
        return new Read(seen[0], (int) seen[1], predictedStandby, request.token());
      }
    }

    @Override
    public void close() {
      dataSource.close();
    }
  }

  // ---------------------------------------------------------------------------- report

  /**
   * The table, then the bound for a correct router and how close {@code lsn}/{@code position} came
   * to it.
   */
  public static String table(Config config, List<Result> results) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "Replica offload and staleness: %s, apply delay %d"
                + " ms; %d users, %d ms think time, %.0f%% writes, %d other rows per read, seed %d,"
                + " %.1f s per mode after %.1f s warm-up",
            config.database().description(),
            config.applyDelayMs(),
            config.users(),
            config.thinkMillis(),
            config.writeShare() * 100,
            config.othersPerRead(),
            config.seed(),
            config.duration().toMillis() / 1000.0,
            config.warmup().toMillis() / 1000.0));
    lines.add("Machine: " + Machine.describe());
    lines.add("");
    lines.add("| mode | requests/s | reads on replicas % | stale reads | p50/p99 latency |");
    lines.add("|---|---:|---:|---:|---:|");
    for (Result result : results) {
      lines.add(row(result));
    }
    lines.add("");
    Result naive = results.stream().filter(r -> r.mode().isNaive()).findFirst().orElse(null);
    if (naive != null) {
      double bound = naive.replicaShare() - naive.staleShare();
      lines.add(
          String.format(
              Locale.ROOT,
              "Bound for a correct router: naive replica share %.1f%% - naive stale share %.1f%%"
                  + " = %.1f%% of reads.",
              naive.replicaShare() * 100,
              naive.staleShare() * 100,
              bound * 100));
      for (Result result : results) {
        if (result.mode().byPosition()) {
          double fraction = result.replicaShare() / bound;
          lines.add(
              String.format(
                  Locale.ROOT,
                  "%s: %.1f%% of reads on replicas = %s of the bound (target >= 95%%): %s.",
                  result.mode().label(),
                  result.replicaShare() * 100,
                  bound >= MEANINGFUL_BOUND
                      ? String.format(Locale.ROOT, "%.1f%%", fraction * 100)
                      : "n/a",
                  bound < MEANINGFUL_BOUND
                      ? "no bound: nearly every naive replica read was stale"
                      : fraction >= 0.95 ? "met" : "missed"));
        }
      }
    }
    for (Result result : results) {
      if (result.mispredicted() > 0) {
        lines.add(
            result.mode().label()
                + ": "
                + result.mispredicted()
                + " reads were served elsewhere than currentEngine() said.");
      }
      if (result.errors() > 0) {
        lines.add(
            result.mode().label()
                + ": "
                + result.errors()
                + " requests failed, the first with "
                + result.firstError());
      }
    }
    return String.join(System.lineSeparator(), lines);
  }

  private static String row(Result r) {
    return String.format(
        Locale.ROOT,
        "| %s | %.0f | %.1f%% | %d of %d reads (%.1f%%) | %.2f / %.2f ms |",
        r.mode().label(),
        r.requestsPerSecond(),
        r.replicaShare() * 100,
        r.staleReads(),
        r.reads(),
        r.staleShare() * 100,
        r.p50Millis(),
        r.p99Millis());
  }
}
