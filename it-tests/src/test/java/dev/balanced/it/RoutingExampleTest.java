package dev.balanced.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.example.RoutingExample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's first command runs this example; its output must show the routing it claims. */
class RoutingExampleTest {

  @Test
  void theExampleShowsReplicaReadsPinnedWritesAndLag() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RoutingExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertFalse(
        out.contains("expected"), "a query was served by another node than announced:\n" + out);
    assertContains(
        out,
        "Request 1: visitor A reads the board\n  select count\\(m\\) from Message m     -> replica\\d  served by replica\\d, sees 0 messages");
    assertContains(out, "persist\\(Message\\)\\s+-> primary   write intent");
    assertContains(out, "-> primary   served by primary, sees 1 message, pinned");
    assertContains(
        out,
        "Request 3: visitor B reads the board right away\n  select count\\(m\\) from Message m     -> replica\\d  served by replica\\d, sees 0 messages");
    assertContains(
        out,
        "Request 5: visitor C reads the board\n  select count\\(m\\) from Message m     -> replica\\d  served by replica\\d, sees 1 message");
  }

  private static void assertContains(String out, String regex) {
    assertTrue(
        Pattern.compile(regex).matcher(out).find(), () -> "no match for " + regex + " in:\n" + out);
  }
}
