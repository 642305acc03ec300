package dev.balanced.testing.pg;

import dev.balanced.testing.BinarySource;
import dev.balanced.testing.process.Commands;
import dev.balanced.testing.process.Executables;
import dev.balanced.testing.process.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The directory holding the PostgreSQL server programs, and where it was found.
 *
 * @param binDir directory with initdb, pg_ctl and postgres (and, if installed, pg_basebackup)
 * @param origin how it was found, for messages
 */
record PgBinaries(Path binDir, String origin) {
  static final String PG_BIN = "PG_BIN";
  static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
  private static final List<String> REQUIRED = List.of("initdb", "pg_ctl", "postgres");

  /** Finds the binaries in the order the {@code source} allows; fails saying what it tried. */
  static PgBinaries locate(BinarySource source, Map<String, String> env, RunAs runAs) {
    if (source == BinarySource.MAVEN) {
      return MavenBinaries.unpack(runAs);
    }
    List<String> tried = new ArrayList<>();
    Optional<PgBinaries> installed = installed(env, tried);
    if (installed.isPresent()) {
      return installed.get();
    }
    if (source == BinarySource.AUTO) {
      try {
        return MavenBinaries.unpack(runAs);
      } catch (PgClusterException e) {
        tried.add(e.getMessage());
      }
    }
    throw new PgClusterException(
        "no PostgreSQL binaries found (install PostgreSQL, set "
            + PG_BIN
            + " to its bin directory, or keep "
            + MavenBinaries.ARTIFACT
            + " on the class path); tried:\n  "
            + String.join("\n  ", tried));
  }

  /** An installed PostgreSQL: PG_BIN, then pg_config --bindir, then /usr/lib/postgresql/N/bin. */
  static Optional<PgBinaries> installed(Map<String, String> env, List<String> tried) {
    String pgBin = env.get(PG_BIN);
    if (pgBin != null && !pgBin.isBlank()) {
      // An explicit choice: a wrong one is an error, not a reason to quietly use something else.
      Path dir = Path.of(pgBin);
      if (!complete(dir)) {
        throw new PgClusterException(
            PG_BIN + "=" + pgBin + " does not hold executable " + String.join(", ", REQUIRED));
      }
      return Optional.of(new PgBinaries(dir, PG_BIN));
    }
    tried.add(PG_BIN + ": not set");
    Optional<Path> pgConfig = Executables.find("pg_config", env.get("PATH"));
    if (pgConfig.isPresent()) {
      Commands.Result result =
          new Commands(List.of(), null)
              .exec(Duration.ofSeconds(20), List.of(pgConfig.get().toString(), "--bindir"));
      Path dir = result.ok() ? Path.of(result.output().strip()) : null;
      if (dir != null && complete(dir)) {
        return Optional.of(new PgBinaries(dir, pgConfig.get() + " --bindir"));
      }
      tried.add(pgConfig.get() + " --bindir: " + result.output().strip() + " (incomplete)");
    } else {
      tried.add("pg_config: not on the PATH");
    }
    Optional<Path> newest = newestUnder(DEBIAN_ROOT);
    if (newest.isPresent()) {
      return Optional.of(new PgBinaries(newest.get(), "newest under " + DEBIAN_ROOT));
    }
    tried.add(DEBIAN_ROOT + "/*/bin: none complete");
    return Optional.empty();
  }

  /** The complete bin directory of the highest version under a Debian-style root. */
  static Optional<Path> newestUnder(Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)*"))
          .map(v -> v.resolve("bin"))
          .filter(PgBinaries::complete)
          .max(Comparator.comparing(bin -> versionKey(bin.getParent())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** "9.6" sorts below "15": compare numerically, part by part. */
  private static String versionKey(Path versionDir) {
    StringBuilder key = new StringBuilder();
    for (String part : versionDir.getFileName().toString().split("\\.")) {
      key.append(String.format("%010d", Long.parseLong(part)));
    }
    return key.toString();
  }

  static boolean complete(Path dir) {
    return REQUIRED.stream().allMatch(tool -> Files.isExecutable(dir.resolve(tool)));
  }

  Path tool(String name) {
    return binDir.resolve(name);
  }

  boolean has(String name) {
    return Files.isExecutable(binDir.resolve(name));
  }

  /** What {@code postgres --version} prints; also proves the binaries run on this machine. */
  String version() {
    return new Commands(List.of(), null)
        .run(Duration.ofSeconds(20), List.of(tool("postgres").toString(), "--version"))
        .strip();
  }
}
