package dev.balanced.testing.pg;

import dev.balanced.testing.BinarySource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to build the cluster. Every setter returns this object; {@link
 * PgCluster#start(PgClusterOptions)} takes a copy, so an instance can be reused.
 */
public final class PgClusterOptions {
  private int standbys = 1;
  private long applyDelayMs;
  private String database = "app";
  private final Map<String, String> settings = new LinkedHashMap<>();
  private BinarySource binaries;
  private Duration startupTimeout = Duration.ofSeconds(60);
  private Path baseDir;

  private PgClusterOptions() {}

  /**
   * One standby, no apply delay, database {@code app}, binaries as {@link
   * BinarySource#fromSystemProperty(String)} says, directory under {@code java.io.tmpdir}.
   */
  public static PgClusterOptions defaults() {
    return new PgClusterOptions();
  }

  /** How many hot standbys (0 to 10). */
  public PgClusterOptions standbys(int standbys) {
    if (standbys < 0 || standbys > 10) {
      throw new IllegalArgumentException("standbys must be 0..10, not " + standbys);
    }
    this.standbys = standbys;
    return this;
  }

  /** {@code recovery_min_apply_delay} of every standby, in milliseconds. */
  public PgClusterOptions applyDelayMs(long applyDelayMs) {
    if (applyDelayMs < 0 || applyDelayMs > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("applyDelayMs out of range: " + applyDelayMs);
    }
    this.applyDelayMs = applyDelayMs;
    return this;
  }

  /** The database to create and to put into {@link PgNode#jdbcUrl()}: a plain identifier. */
  public PgClusterOptions database(String database) {
    if (!database.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("database must be a plain identifier: " + database);
    }
    this.database = database;
    return this;
  }

  /**
   * An extra {@code postgresql.conf} setting for every server, overriding the cluster's own, e.g.
   * {@code setting("max_connections", "200")}. Values other than numbers and words are quoted for
   * you.
   */
  public PgClusterOptions setting(String name, String value) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
      throw new IllegalArgumentException("not a setting name: " + name);
    }
    settings.put(name, Objects.requireNonNull(value, "value"));
    return this;
  }

  /** {@link #setting(String, String)} for each entry. */
  public PgClusterOptions settings(Map<String, String> settings) {
    settings.forEach(this::setting);
    return this;
  }

  /** Where the PostgreSQL programs come from. */
  public PgClusterOptions binaries(BinarySource binaries) {
    this.binaries = Objects.requireNonNull(binaries, "binaries");
    return this;
  }

  /** How long one server may take to start and become ready (default 60 s). */
  public PgClusterOptions startupTimeout(Duration startupTimeout) {
    if (startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new IllegalArgumentException("startupTimeout must be positive");
    }
    this.startupTimeout = startupTimeout;
    return this;
  }

  /** The directory to create the cluster's temp directory in (default {@code java.io.tmpdir}). */
  public PgClusterOptions baseDir(Path baseDir) {
    this.baseDir = baseDir;
    return this;
  }

  public int standbys() {
    return standbys;
  }

  public long applyDelayMs() {
    return applyDelayMs;
  }

  public String database() {
    return database;
  }

  public Map<String, String> settings() {
    return Collections.unmodifiableMap(settings);
  }

  /** The chosen source, or the one the system property names. */
  public BinarySource binaries() {
    return binaries != null ? binaries : BinarySource.fromSystemProperty(BinarySource.PG_PROPERTY);
  }

  public Duration startupTimeout() {
    return startupTimeout;
  }

  /** The chosen base directory, or null for {@code java.io.tmpdir}. */
  public Path baseDir() {
    return baseDir;
  }

  PgClusterOptions copy() {
    PgClusterOptions copy = new PgClusterOptions();
    copy.standbys = standbys;
    copy.applyDelayMs = applyDelayMs;
    copy.database = database;
    copy.settings.putAll(settings);
    copy.binaries = binaries();
    copy.startupTimeout = startupTimeout;
    copy.baseDir = baseDir;
    return copy;
  }

  @Override
  public String toString() {
    return "PgClusterOptions[standbys="
        + standbys
        + ", applyDelayMs="
        + applyDelayMs
        + ", database="
        + database
        + ", settings="
        + settings
        + ", binaries="
        + binaries()
        + "]";
  }
}
