package dev.balanced.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** File tree chores: deleting and checking permissions. */
public final class FileTrees {
  private FileTrees() {}

  /** Deletes a directory tree; files that vanish meanwhile (a server still exiting) are fine. */
  public static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Whether every directory from the root down to this one may be entered by any user: what an
   * unprivileged server needs to reach its data directory or binaries.
   */
  public static boolean traversableByAll(Path dir) {
    try {
      for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return false;
        }
      }
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Lets every user read the tree and enter its directories, keeping executables executable. */
  public static void openToAll(Path root) {
    try (var paths = Files.walk(root)) {
      paths.forEach(
          p -> {
            try {
              if (Files.isSymbolicLink(p)) {
                return;
              }
              Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
              perms.add(PosixFilePermission.OTHERS_READ);
              perms.add(PosixFilePermission.GROUP_READ);
              if (Files.isDirectory(p) || perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                perms.add(PosixFilePermission.OTHERS_EXECUTE);
                perms.add(PosixFilePermission.GROUP_EXECUTE);
              }
              Files.setPosixFilePermissions(p, perms);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException | UncheckedIOException e) {
      throw new ClusterException("could not open " + root + " to all users", e);
    }
  }
}
