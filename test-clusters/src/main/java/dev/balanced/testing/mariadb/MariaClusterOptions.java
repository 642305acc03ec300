package dev.balanced.testing.mariadb;

import dev.balanced.testing.BinarySource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** How to build a {@link MariaCluster}. Mutable builder; the cluster takes a copy. */
public final class MariaClusterOptions {
  private int replicas = 1;
  private int applyDelaySeconds;
  private String database = "app";
  private final Map<String, String> settings = new LinkedHashMap<>();
  private BinarySource binaries;
  private Duration startupTimeout = Duration.ofSeconds(60);
  private Path baseDir;

  private MariaClusterOptions() {}

  /**
   * One replica, no apply delay, database {@code app}, binaries as {@link
   * BinarySource#fromSystemProperty(String)} with {@value BinarySource#MARIADB_PROPERTY} says,
   * directory under {@code java.io.tmpdir}.
   */
  public static MariaClusterOptions defaults() {
    return new MariaClusterOptions();
  }

  /** How many replicas (0 to 10). */
  public MariaClusterOptions replicas(int replicas) {
    if (replicas < 0 || replicas > 10) {
      throw new IllegalArgumentException("replicas must be 0..10, not " + replicas);
    }
    this.replicas = replicas;
    return this;
  }

  /**
   * {@code MASTER_DELAY} of every replica, in seconds (MariaDB delays in whole seconds; 1 is the
   * smallest lag it can be told to keep).
   */
  public MariaClusterOptions applyDelaySeconds(int applyDelaySeconds) {
    if (applyDelaySeconds < 0) {
      throw new IllegalArgumentException("applyDelaySeconds must be >= 0: " + applyDelaySeconds);
    }
    this.applyDelaySeconds = applyDelaySeconds;
    return this;
  }

  /** The database to create and to put into {@link MariaNode#jdbcUrl()}: a plain identifier. */
  public MariaClusterOptions database(String database) {
    if (!database.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
      throw new IllegalArgumentException("database must be a plain identifier: " + database);
    }
    this.database = database;
    return this;
  }

  /**
   * An extra server option for every server, overriding the cluster's own, e.g. {@code
   * setting("max_connections", "300")}; passed as {@code --max_connections=300}.
   */
  public MariaClusterOptions setting(String name, String value) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
      throw new IllegalArgumentException("not a server option name: " + name);
    }
    settings.put(name, Objects.requireNonNull(value, "value"));
    return this;
  }

  /** Where the MariaDB programs come from. */
  public MariaClusterOptions binaries(BinarySource binaries) {
    this.binaries = Objects.requireNonNull(binaries, "binaries");
    return this;
  }

  /** How long one server may take to start and become ready (default 60 s). */
  public MariaClusterOptions startupTimeout(Duration startupTimeout) {
    if (startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new IllegalArgumentException("startupTimeout must be positive");
    }
    this.startupTimeout = startupTimeout;
    return this;
  }

  /** The directory to create the cluster's temp directory in (default {@code java.io.tmpdir}). */
  public MariaClusterOptions baseDir(Path baseDir) {
    this.baseDir = baseDir;
    return this;
  }

  public int replicas() {
    return replicas;
  }

  public int applyDelaySeconds() {
    return applyDelaySeconds;
  }

  public String database() {
    return database;
  }

  public Map<String, String> settings() {
    return Collections.unmodifiableMap(settings);
  }

  /** The chosen source, or the one the system property names. */
  public BinarySource binaries() {
    return binaries != null
        ? binaries
        : BinarySource.fromSystemProperty(BinarySource.MARIADB_PROPERTY);
  }

  public Duration startupTimeout() {
    return startupTimeout;
  }

  /** The chosen base directory, or null for {@code java.io.tmpdir}. */
  public Path baseDir() {
    return baseDir;
  }

  MariaClusterOptions copy() {
    MariaClusterOptions copy = new MariaClusterOptions();
    copy.replicas = replicas;
    copy.applyDelaySeconds = applyDelaySeconds;
    copy.database = database;
    copy.settings.putAll(settings);
    copy.binaries = binaries();
    copy.startupTimeout = startupTimeout;
    copy.baseDir = baseDir;
    return copy;
  }

  @Override
  public String toString() {
    return "MariaClusterOptions[replicas="
        + replicas
        + ", applyDelaySeconds="
        + applyDelaySeconds
        + ", database="
        + database
        + ", settings="
        + settings
        + ", binaries="
        + binaries()
        + "]";
  }
}
