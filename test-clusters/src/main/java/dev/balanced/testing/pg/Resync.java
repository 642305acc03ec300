package dev.balanced.testing.pg;

import dev.balanced.testing.process.Commands;
import dev.balanced.testing.process.FileTrees;
import dev.balanced.testing.process.RunAs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Makes the data directory of a stopped server a copy of the running primary, as the first step of
 * rejoining it as a standby: with pg_rewind when the binaries have it (only the blocks that
 * diverged are copied back), else with pg_basebackup, else (the Maven binaries have neither) with a
 * file-level copy of the running primary between {@code pg_backup_start} and {@code
 * pg_backup_stop}. The server's own configuration and log survive; the caller then makes it a
 * standby.
 */
final class Resync {
  /** What belongs to the server rather than to the data, kept across the copy. */
  private static final List<String> OWN_FILES =
      List.of("postgresql.conf", "postgresql.auto.conf", PgServer.LOG);

  /** Files of a running server that a copy must not take (as pg_basebackup leaves them out). */
  private static final Set<String> SKIPPED_FILES =
      Set.of(
          "postmaster.pid",
          "postmaster.opts",
          "backup_label",
          "tablespace_map",
          "current_logfiles",
          "standby.signal",
          "recovery.signal",
          "pg_internal.init",
          PgServer.LOG);

  /** Directories a copy takes empty: WAL comes by streaming, the rest is rebuilt at start. */
  private static final Set<String> EMPTIED_DIRS =
      Set.of(
          "pg_wal",
          "pg_replslot",
          "pg_stat_tmp",
          "pg_dynshmem",
          "pg_notify",
          "pg_serial",
          "pg_snapshots",
          "pg_subtrans");

  private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(3);

  private final PgBinaries binaries;
  private final Commands pg;
  private final RunAs runAs;
  private final Path directory;

  Resync(PgBinaries binaries, Commands pg, RunAs runAs, Path directory) {
    this.binaries = binaries;
    this.pg = pg;
    this.runAs = runAs;
    this.directory = directory;
  }

  /**
   * Makes the stopped target's data directory follow the running source's history.
   *
   * @return how, for the log
   */
  String copy(PgNode target, PgNode source) {
    Path dataDir = target.dataDir();
    Path saved = directory.resolve(target.name() + ".own");
    Path replaced = directory.resolve(target.name() + ".replaced");
    try {
      FileTrees.deleteRecursively(saved);
      FileTrees.deleteRecursively(replaced);
      Files.createDirectory(saved);
      // Copies, not moves: pg_rewind may first run the server in single-user mode to finish crash
      // recovery, which needs its configuration.
      for (String name : OWN_FILES) {
        if (Files.exists(dataDir.resolve(name))) {
          Files.copy(
              dataDir.resolve(name), saved.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      String how;
      if (binaries.has("pg_rewind")) {
        rewind(dataDir, source);
        how = "pg_rewind";
      } else {
        Files.move(dataDir, replaced);
        if (binaries.has("pg_basebackup")) {
          target.server().baseBackupFrom(source.port(), target.name());
          how = "pg_basebackup";
        } else {
          onlineCopy(source, dataDir);
          how = "a file copy between pg_backup_start and pg_backup_stop";
        }
      }
      // Moves keep the owner (the server user, when the JVM is root).
      for (String name : OWN_FILES) {
        if (Files.exists(saved.resolve(name))) {
          Files.move(
              saved.resolve(name), dataDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      FileTrees.deleteRecursively(replaced);
      FileTrees.deleteRecursively(saved);
      return how;
    } catch (IOException e) {
      throw new PgClusterException("could not copy " + source.name() + " to " + target.name(), e);
    }
  }

  /**
   * pg_rewind copies back what diverged. The source's end-of-recovery checkpoint runs in the
   * background after a promotion, and until it is done its control file still names the old
   * timeline, so that pg_rewind would find nothing to do: hence a checkpoint first. A target that
   * crashed is first recovered in single-user mode by pg_rewind itself.
   */
  private void rewind(Path dataDir, PgNode source) {
    try (Connection c = source.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      throw new PgClusterException("CHECKPOINT on " + source.name() + " failed", e);
    }
    Commands.Result result =
        pg.exec(
            TOOL_TIMEOUT,
            List.of(
                binaries.tool("pg_rewind").toString(),
                "--target-pgdata=" + dataDir,
                "--source-server=host=127.0.0.1 port="
                    + source.port()
                    + " user=postgres dbname=postgres",
                "--no-sync"));
    if (!result.ok()) {
      throw new PgClusterException(
          "pg_rewind of " + dataDir + " from " + source.name() + " failed:\n" + result.output());
    }
  }

  /**
   * A base backup made by hand, for binaries without pg_basebackup: the files of the running
   * source, copied while one session holds a backup open, plus the backup_label that {@code
   * pg_backup_stop} returns. The copy has no WAL; as a standby it streams what it needs from the
   * source, which keeps it (wal_keep_size).
   */
  private void onlineCopy(PgNode source, Path dataDir) throws IOException {
    String label;
    try (Connection c = source.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_backup_start('balanced-pg-cluster rejoin', true)");
      try {
        copyTree(source.dataDir(), dataDir);
      } catch (IOException | RuntimeException e) {
        try {
          s.execute("SELECT pg_backup_stop(false)");
        } catch (SQLException stop) {
          e.addSuppressed(stop);
        }
        throw e;
      }
      try (ResultSet rs = s.executeQuery("SELECT labelfile FROM pg_backup_stop(false)")) {
        rs.next();
        label = rs.getString(1);
      }
    } catch (SQLException e) {
      throw new PgClusterException("online backup of " + source.name() + " failed", e);
    }
    Path backupLabel = dataDir.resolve("backup_label");
    Files.writeString(backupLabel, label, StandardCharsets.UTF_8);
    runAs.handOver(backupLabel);
  }

  /**
   * Copies a running server's files, keeping owners and modes. Files that vanish meanwhile are
   * fine: the WAL replayed from the backup's start recreates whatever the copy missed.
   */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Path copy = to.resolve(from.relativize(dir).toString());
            try {
              Files.copy(dir, copy, StandardCopyOption.COPY_ATTRIBUTES);
            } catch (NoSuchFileException e) {
              return FileVisitResult.SKIP_SUBTREE; // a database dropped meanwhile
            }
            String name = dir.getFileName().toString();
            if (!dir.equals(from) && dir.getParent().equals(from) && EMPTIED_DIRS.contains(name)) {
              if (name.equals("pg_wal")) {
                Path status = dir.resolve("archive_status");
                if (Files.isDirectory(status)) {
                  Files.copy(
                      status, copy.resolve("archive_status"), StandardCopyOption.COPY_ATTRIBUTES);
                }
              }
              return FileVisitResult.SKIP_SUBTREE;
            }
            return name.startsWith("pgsql_tmp")
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (file.getParent().equals(from)
                && SKIPPED_FILES.contains(file.getFileName().toString())) {
              return FileVisitResult.CONTINUE;
            }
            if (file.getFileName().toString().equals("pg_internal.init")) {
              return FileVisitResult.CONTINUE;
            }
            try {
              Files.copy(
                  file,
                  to.resolve(from.relativize(file).toString()),
                  StandardCopyOption.COPY_ATTRIBUTES);
            } catch (NoSuchFileException e) {
              // Dropped meanwhile (a temp file, a dropped table): the WAL says so too.
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
  }
}
