package dev.balanced.events;

/**
 * What a unit of work did with the writes it must see: those of the consistency token its context
 * was opened with, and its context's own earlier commits. A refused token is told once per context,
 * when it is first read.
 *
 * @param outcome what the token decided
 * @param node where the unit of work reads: "primary" or a replica's name; {@code null} for a
 *     refused token, which grants nothing
 * @param waitedNanos how long it waited for a replica to catch up ({@code lsn_wait_ms}); 0 when it
 *     did not wait
 */
public record TokenDecision(Outcome outcome, String node, long waitedNanos) {

  /** What a token decided. */
  public enum Outcome {
    /** It asked for the primary ({@code time} mode, or a write whose position is unknown). */
    HONOURED_PRIMARY("honoured, primary"),
    /** A replica had already replayed the write. */
    HONOURED_REPLICA("honoured, caught-up replica"),
    /** A replica replayed the write while the unit of work waited. */
    WAITED_REPLICA("waited, replica"),
    /** No replica replayed the write in time: the primary serves the reads. */
    WAITED_PRIMARY("waited, primary"),
    /** Its signature is wrong: tampered with, or signed with another secret. */
    IGNORED_BAD_SIGNATURE("ignored, bad signature"),
    /** It expired. */
    IGNORED_EXPIRED("ignored, expired"),
    /** It was issued for another set of databases. */
    IGNORED_OTHER_DATABASES("ignored, other databases"),
    /** It is not a token of this version. */
    IGNORED_MALFORMED("ignored, malformed"),
    /** It is longer than any token Balanced makes. */
    IGNORED_TOO_LARGE("ignored, too large");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** Whether the token was refused, and so granted nothing. */
    public boolean ignored() {
      return name().startsWith("IGNORED");
    }

    /** A short lower-case name, fit for a metric tag: "waited, primary". */
    public String label() {
      return label;
    }

    @Override
    public String toString() {
      return label;
    }
  }
}
