package dev.balanced.testing.pg;

import dev.balanced.testing.process.RunAs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the configuration files of a data directory. Settings are appended to postgresql.conf: the
 * last occurrence of a name wins, so what a standby adds overrides what it copied from the primary,
 * and the caller's extra settings override both.
 */
final class ServerConfig {
  private ServerConfig() {}

  /** Loopback only, trust for everything including replication: a throwaway test server. */
  static final String PG_HBA =
      String.join(
          "\n",
          "# Written by balanced-pg-cluster: a throwaway test cluster, reachable on loopback only.",
          "local   all          all                 trust",
          "host    all          all   127.0.0.1/32  trust",
          "local   replication  all                 trust",
          "host    replication  all   127.0.0.1/32  trust",
          "");

  /** Settings for every server of the cluster. */
  static Map<String, String> common(String socketDir, int standbys, Map<String, String> extra) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("listen_addresses", "'127.0.0.1'");
    // Our own socket directory: no clash with a system server's lock files in /var/run/postgresql.
    settings.put("unix_socket_directories", quote(socketDir));
    settings.put("shared_buffers", "'16MB'");
    settings.put("max_connections", "60");
    // Throwaway data: durability costs time and buys nothing.
    settings.put("fsync", "off");
    // pg_rewind, which turns a failed primary into a standby of the new one, needs both: it reads
    // blocks of a running source (torn reads are repaired by full-page images) and finds the
    // blocks the target changed from hint-bit records too.
    settings.put("full_page_writes", "on");
    settings.put("wal_log_hints", "on");
    settings.put("wal_level", "replica");
    settings.put("max_wal_senders", Integer.toString(standbys + 5));
    settings.put("max_replication_slots", Integer.toString(standbys + 5));
    // Keep WAL around so that a standby stopped for a while can catch up by streaming.
    settings.put("wal_keep_size", "'256MB'");
    settings.put("hot_standby", "on");
    // A standby whose primary was restarted reconnects quickly.
    settings.put("wal_retrieve_retry_interval", "'200ms'");
    settings.put("logging_collector", "off");
    settings.put("log_line_prefix", "'%m [%p] %q%a '");
    settings.put("huge_pages", "off");
    extra.forEach((name, value) -> settings.put(name, literal(value)));
    return settings;
  }

  static void append(Path dataDir, String comment, Map<String, String> settings) {
    StringBuilder text = new StringBuilder("\n# ").append(comment).append('\n');
    settings.forEach((name, value) -> text.append(name).append(" = ").append(value).append('\n'));
    write(dataDir.resolve("postgresql.conf"), text.toString(), StandardOpenOption.APPEND);
  }

  static void writeHba(Path dataDir) {
    write(dataDir.resolve("pg_hba.conf"), PG_HBA, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * What pg_basebackup -R does, for a copy made without it: a standby.signal file, and the
   * primary_conninfo in postgresql.auto.conf (replacing any it had).
   */
  static void makeStandby(Path dataDir, int primaryPort, String applicationName, RunAs runAs) {
    Path signal = dataDir.resolve("standby.signal");
    write(signal, "", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    runAs.handOver(signal);
    Path auto = dataDir.resolve("postgresql.auto.conf");
    boolean existed = Files.exists(auto);
    String kept = "";
    if (existed) {
      try {
        kept =
            Files.readAllLines(auto, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.strip().startsWith("primary_conninfo"))
                .map(line -> line + "\n")
                .collect(Collectors.joining());
      } catch (IOException e) {
        throw new PgClusterException("could not read " + auto, e);
      }
    }
    write(
        auto,
        kept + "primary_conninfo = " + quote(conninfo(primaryPort, applicationName)) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
    if (!existed) {
      runAs.handOver(auto);
    }
  }

  /** The primary_conninfo of a standby of the server on that port. */
  static String conninfo(int primaryPort, String applicationName) {
    return "host=127.0.0.1 port="
        + primaryPort
        + " user=postgres application_name="
        + applicationName;
  }

  /** A value as written in postgresql.conf: numbers and words as they are, anything else quoted. */
  static String literal(String value) {
    if (value.matches("-?[0-9]+(\\.[0-9]+)?|[A-Za-z_]+") || value.startsWith("'")) {
      return value;
    }
    return quote(value);
  }

  static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static void write(Path file, String text, StandardOpenOption... options) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, options);
    } catch (IOException e) {
      throw new PgClusterException("could not write " + file, e);
    }
  }
}
