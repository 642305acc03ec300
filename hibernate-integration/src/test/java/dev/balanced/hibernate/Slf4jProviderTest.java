package dev.balanced.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.internal.config.Slf4jProviderCheck;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Without an SLF4J provider, Balanced's log goes nowhere while Hibernate's still shows: Balanced
 * says so once, on a channel that always reaches the console.
 */
class Slf4jProviderTest {
  private static final String WARNING =
      "Balanced logs through SLF4J, and no SLF4J provider is bound";

  @Test
  void onlySlf4jsFallbackCountsAsUnbound() {
    assertFalse(
        Slf4jProviderCheck.isUnbound(LoggerFactory.getILoggerFactory(), false),
        "slf4j-simple is bound in these tests");
    assertTrue(Slf4jProviderCheck.isUnbound(new NOPLoggerFactory(), false));
    assertFalse(
        Slf4jProviderCheck.isUnbound(new NOPLoggerFactory(), true), "slf4j-nop chosen on purpose");
  }

  /** The classpath of these tests without slf4j-simple, in a JVM of its own. */
  @Test
  void withoutAProviderBalancedWarnsOnceOnTheConsole(@TempDir Path dir) throws Exception {
    List<String> classpath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("slf4j-simple"))
            .toList();
    assertTrue(
        classpath.stream().anyMatch(entry -> entry.contains("slf4j-api")),
        () -> "not the test classpath: " + classpath);
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                String.join(File.pathSeparator, classpath),
                StartWithoutSlf4jProvider.class.getName())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish in 2 minutes");
    String stdout = read(out);
    String stderr = read(err);
    assertEquals(0, child.exitValue(), () -> stdout + stderr);
    assertTrue(stdout.contains("start 2 read item-1@replica1"), () -> stdout + stderr);

    assertTrue(stderr.contains("No SLF4J providers were found"), "SLF4J's own notice: " + stderr);
    assertTrue(stderr.contains("HHH"), () -> "Hibernate's own log still shows: " + stderr);
    assertEquals(1, count(stderr, WARNING), () -> "once, though Balanced started twice: " + stderr);
    assertTrue(stderr.contains("org.slf4j:slf4j-simple"), stderr);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static long count(String text, String part) {
    return Arrays.stream(text.split("\\R"))
        .filter(line -> line.contains(part))
        .collect(Collectors.counting());
  }
}
