package dev.balanced.testing.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What runs on this machine, read from /proc, to prove that nothing was left behind. */
public final class Processes {
  private Processes() {}

  /** Processes (pid and command line) whose command line contains the text. */
  public static List<String> mentioning(String text) {
    List<String> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      entries
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .forEach(
              p -> {
                try {
                  String cmdline =
                      new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                          .replace('\0', ' ')
                          .strip();
                  if (cmdline.contains(text)) {
                    found.add(p.getFileName() + ": " + cmdline);
                  }
                } catch (IOException e) {
                  // The process ended meanwhile.
                }
              });
    } catch (IOException e) {
      throw new AssertionError("cannot list /proc", e);
    }
    found.removeIf(line -> line.startsWith(ProcessHandle.current().pid() + ":"));
    return found;
  }

  /** Waits until no process mentions the text; fails listing the survivors. */
  public static void awaitNoneMentioning(String text, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> left = mentioning(text);
    while (!left.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "still running after " + timeout + ":\n" + String.join("\n", left));
      }
      Thread.sleep(100);
      left = mentioning(text);
    }
  }

  /** Waits until the directory is gone. */
  public static void awaitDeleted(Path dir, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (Files.exists(dir)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(dir + " still exists after " + timeout);
      }
      Thread.sleep(100);
    }
  }
}
