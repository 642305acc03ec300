package dev.balanced.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the tests' logger printed while open: for a test that provokes a WARN or ERROR on purpose (a
 * bad setting, an outage), so that it asserts the line instead of leaving it in the test output,
 * where an unexpected one must stand out. slf4j-simple, the tests' SLF4J binding, writes each line
 * to whatever {@code System.err} is at that moment; this swaps in a buffer until {@link #close()}.
 * Lines of every thread are captured while it is open. Hibernate's lines are captured too when it
 * logs through SLF4J, as the build's surefire configuration makes it ({@code
 * org.jboss.logging.provider=slf4j}).
 *
 * <pre>{@code
 * try (CapturedLog log = CapturedLog.start()) {
 *   assertThrows(...);
 *   log.assertLine("WARN", "replica r1");
 * }
 * }</pre>
 */
public final class CapturedLog implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  private CapturedLog() {
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
  }

  public static CapturedLog start() {
    return new CapturedLog();
  }

  /** Everything logged so far. */
  public String text() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  /** How many logged lines contain every part (a level, a logger, words of a message). */
  public long count(String... parts) {
    return text().lines().filter(line -> containsAll(line, parts)).count();
  }

  /** Fails unless one logged line contains every part (a level, a logger, words of a message). */
  public void assertLine(String... parts) {
    if (count(parts) == 0) {
      fail("no line with " + String.join(" + ", parts) + " in the log:\n" + text());
    }
  }

  /** Fails if anything logged contains {@code secret}. */
  public void assertNotLogged(String secret) {
    String text = text();
    assertFalse(text.contains(secret), () -> "logged: " + secret + " in:\n" + text);
  }

  private static boolean containsAll(String line, String... parts) {
    for (String part : parts) {
      if (!line.contains(part)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
