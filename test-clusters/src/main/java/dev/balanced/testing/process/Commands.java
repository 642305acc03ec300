package dev.balanced.testing.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs external programs to completion, optionally behind a prefix that switches the user (see
 * {@link RunAs}).
 */
public final class Commands {
  /** What a finished program printed (stdout and stderr together) and how it exited. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private final List<String> prefix;
  private final Path workDir;

  public Commands(List<String> prefix, Path workDir) {
    this.prefix = List.copyOf(prefix);
    this.workDir = workDir;
  }

  /** Runs the program and fails, with its output, unless it exits with 0. */
  public String run(Duration timeout, List<String> command) {
    Result result = exec(timeout, command);
    if (!result.ok()) {
      throw new ClusterException(
          describe(command)
              + " exited with "
              + result.exitCode()
              + ":\n"
              + result.output().strip());
    }
    return result.output();
  }

  /** Runs the program and returns how it ended; fails only if it cannot be run or times out. */
  public Result exec(Duration timeout, List<String> command) {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
    if (workDir != null) {
      // Also matters when the user is switched: a working directory the user cannot enter makes
      // some PostgreSQL tools complain.
      builder.directory(workDir.toFile());
    }
    scrub(builder.environment());
    File output = null;
    try {
      // A file rather than a pipe: a daemon that inherits the pipe (pg_ctl's postmaster would, if
      // it did not redirect) would otherwise keep us reading forever.
      // In the working directory (the cluster's, where rm -rf reaches it if this JVM is killed
      // meanwhile) when there is one.
      output =
          workDir != null
              ? File.createTempFile(".cmd-", ".out", workDir.toFile())
              : File.createTempFile("balanced-pg-cmd-", ".out");
      builder.redirectOutput(output);
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new ClusterException(
            describe(command) + " did not finish within " + timeout + ":\n" + read(output));
      }
      return new Result(process.exitValue(), read(output));
    } catch (IOException e) {
      throw new ClusterException("could not run " + describe(command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while running " + describe(command), e);
    } finally {
      if (output != null) {
        output.delete();
      }
    }
  }

  /**
   * Starts a long-running program (a server that stays in the foreground) and returns at once. Its
   * output goes to {@code output}, never to a pipe of this JVM, so that it keeps running whatever
   * happens to the JVM's streams.
   */
  public Process spawn(List<String> command, Path output) {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    if (workDir != null) {
      builder.directory(workDir.toFile());
    }
    scrub(builder.environment());
    try {
      return builder.start();
    } catch (IOException e) {
      throw new ClusterException("could not start " + describe(command) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Removes the libpq and MySQL client variables (PGDATA, PGPORT, MYSQL_HOST, ...) a developer may
   * have set for their own database, and makes the programs speak English so that their errors can
   * be recognised.
   */
  public static void scrub(Map<String, String> environment) {
    environment.keySet().removeIf(name -> name.startsWith("PG") || name.startsWith("MYSQL"));
    environment.put("LC_ALL", "C");
    environment.put("LANG", "C");
  }

  private static String read(File file) throws IOException {
    return Files.readString(file.toPath(), StandardCharsets.UTF_8);
  }

  private static String describe(List<String> command) {
    return String.join(" ", command);
  }
}
