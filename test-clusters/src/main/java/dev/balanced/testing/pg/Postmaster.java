package dev.balanced.testing.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The running postmaster of a data directory, found through its {@code postmaster.pid}. The pid in
 * that file may be stale (a server killed hard leaves it behind) and then belong to an unrelated
 * process, so a pid only counts if that process was started with {@code -D <data dir>}.
 */
final class Postmaster {
  private Postmaster() {}

  static Optional<ProcessHandle> of(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
        return Optional.empty();
      }
      long pid = Long.parseLong(lines.get(0).strip());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> startedWith(pid, dataDir.toString()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether the process's command line holds this exact argument. */
  static boolean startedWith(long pid, String argument) {
    try {
      byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Arrays.asList(new String(cmdline, StandardCharsets.UTF_8).split("\0"))
          .contains(argument);
    } catch (IOException e) {
      return false;
    }
  }
}
