package dev.balanced.testing.process;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where server binaries shipped in Maven artifacts are unpacked, once per version, and reused by
 * later builds. A normal user keeps them in ~/.cache/balanced; root's home is closed to the
 * unprivileged user that runs the servers, so root keeps them in a temp directory that it owns and
 * everyone may read.
 */
public final class BinaryCache {
  /** Overrides the cache directory (shared by every database's binaries). */
  public static final String CACHE_PROPERTY = "balanced.pg.cache";

  private static final Logger log = LoggerFactory.getLogger(BinaryCache.class);

  /** Fills a fresh, empty directory with the unpacked tree. */
  @FunctionalInterface
  public interface Unpacker {
    void unpackInto(Path tree) throws IOException;
  }

  private final Path root;

  private BinaryCache(Path root) {
    this.root = root;
  }

  /** The cache for this JVM's user. */
  public static BinaryCache forUser(RunAs runAs) {
    String configured = System.getProperty(CACHE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return new BinaryCache(Path.of(configured));
    }
    if (runAs.switchesUser()) {
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      if (!FileTrees.traversableByAll(tmp)) {
        tmp = Path.of("/tmp");
      }
      return new BinaryCache(tmp.resolve("balanced-pg-cache-" + System.getProperty("user.name")));
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return new BinaryCache(base.resolve("balanced"));
  }

  /** Binaries packaged for Linux x86-64 run nowhere else: say so rather than fail obscurely. */
  public static void requireLinuxX64(String artifact) {
    String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
        || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new ClusterException(
          artifact
              + " only runs on Linux x86-64, not "
              + System.getProperty("os.name")
              + "/"
              + arch);
    }
  }

  public Path root() {
    return root;
  }

  /**
   * The directory {@code name} in the cache, unpacked by {@code unpacker} first unless it is there
   * and {@code complete}. Unpacks into a fresh sibling directory and renames it into place: the
   * rename is atomic, so a concurrent JVM (parallel builds) sees either nothing or a complete tree,
   * and the loser of a race just uses the winner's copy.
   *
   * @param what the artifact, for messages
   */
  public Path unpackOnce(String name, String what, Predicate<Path> complete, Unpacker unpacker) {
    requireOwn();
    Path target = root.resolve(name);
    if (complete.test(target)) {
      return target;
    }
    Path work = null;
    try {
      Files.createDirectories(root);
      FileTrees.openToAll(root);
      deleteAbandonedWork();
      work = Files.createTempDirectory(root, "unpack-");
      Path tree = Files.createDirectory(work.resolve("tree"));
      log.info("Unpacking {} into {}", what, target);
      unpacker.unpackInto(tree);
      FileTrees.openToAll(tree);
      if (!complete.test(tree)) {
        throw new ClusterException(what + " did not unpack into a complete tree");
      }
      try {
        Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        if (!complete.test(target)) {
          throw new ClusterException(target + " exists but is incomplete; delete it", e);
        }
      } catch (AtomicMoveNotSupportedException e) {
        throw new ClusterException("cannot rename within " + root, e);
      }
      return target;
    } catch (IOException e) {
      throw new ClusterException("could not unpack " + what + " into " + target, e);
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

  /**
   * The cache may sit in a shared temp directory: only trust one this user made, since its programs
   * are going to be run.
   */
  private void requireOwn() {
    try {
      if (Files.exists(root)) {
        String owner = Files.getOwner(root).getName();
        if (!owner.equals(System.getProperty("user.name"))) {
          throw new ClusterException(
              root
                  + " belongs to "
                  + owner
                  + ", not to this user; delete it or set -D"
                  + CACHE_PROPERTY);
        }
      }
    } catch (IOException e) {
      throw new ClusterException("could not check the owner of " + root, e);
    }
  }

  /**
   * Work directories of JVMs killed while unpacking; an hour is far longer than unpacking takes.
   */
  private void deleteAbandonedWork() throws IOException {
    Instant cutoff = Instant.now().minus(Duration.ofHours(1));
    try (Stream<Path> entries = Files.list(root)) {
      for (Path entry : entries.toList()) {
        if (entry.getFileName().toString().startsWith("unpack-")
            && Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)) {
          FileTrees.deleteRecursively(entry);
        }
      }
    }
  }
}
