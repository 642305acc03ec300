package dev.balanced.internal.position;

import java.util.Arrays;

/**
 * How far a server has written or applied its primary's changes, in the database's own terms:
 * PostgreSQL's WAL position (one number), or MariaDB's GTID position (per replication domain, the
 * sequence number of the last transaction; a domain's transactions are applied in sequence order).
 * Immutable.
 *
 * <p>{@link #NONE} is no position at all: a PostgreSQL server that is not a standby, or a token
 * that requires nothing. An empty GTID position is a real one: a replica that has applied nothing
 * yet, which reaches no requirement.
 */
public final class ReplicationPosition {
  /** Which database's positions. Positions of different kinds never reach each other. */
  public enum Kind {
    /** PostgreSQL's WAL position ({@code pg_lsn}). */
    WAL,
    /** MariaDB's GTID position ({@code domain-server-sequence}, comma-separated). */
    GTID
  }

  /** No position: requires nothing, reaches nothing but itself. */
  public static final ReplicationPosition NONE =
      new ReplicationPosition(null, new long[0], new long[0], new long[0]);

  /** GTID lists longer than this are refused: a real one has a domain or a few. */
  static final int MAX_DOMAINS = 32;

  private final Kind kind;

  /** Sorted, unique; unsigned 32-bit for GTIDs, 0 for WAL. */
  private final long[] domains;

  /** GTIDs: the server ids. WAL: the timeline, 0 where it is not known. */
  private final long[] servers;

  /** Unsigned 64-bit. */
  private final long[] sequences;

  private ReplicationPosition(Kind kind, long[] domains, long[] servers, long[] sequences) {
    this.kind = kind;
    this.domains = domains;
    this.servers = servers;
    this.sequences = sequences;
  }

  /**
   * A PostgreSQL WAL position on an unknown timeline; 0, PostgreSQL's invalid position, is {@link
   * #NONE}.
   */
  public static ReplicationPosition wal(long lsn) {
    return wal(0, lsn);
  }

  /**
   * A PostgreSQL WAL position on {@code timeline} (0: not known). A promoted standby starts a new
   * timeline, whose WAL after the fork is not the old timeline's although the positions go on
   * counting: positions of two known timelines never reach each other.
   *
   * @throws IllegalArgumentException for a timeline outside 0..2^32-1
   */
  public static ReplicationPosition wal(long timeline, long lsn) {
    if (timeline < 0 || timeline > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("Not a timeline: " + timeline);
    }
    return lsn == 0
        ? NONE
        : new ReplicationPosition(
            Kind.WAL, new long[] {0}, new long[] {timeline}, new long[] {lsn});
  }

  /**
   * A MariaDB GTID position as the server prints it ({@code @@gtid_binlog_pos},
   * {@code @@gtid_slave_pos}, {@code @@last_gtid}): {@code domain-server-sequence} triples
   * separated by commas, at most one per domain; the empty text is the empty position.
   *
   * @throws IllegalArgumentException for anything else (a token's position is checked here, so that
   *     nothing malformed can reach a server)
   */
  public static ReplicationPosition gtids(String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      return new ReplicationPosition(Kind.GTID, new long[0], new long[0], new long[0]);
    }
    String[] parts = trimmed.split(",", -1);
    if (parts.length > MAX_DOMAINS) {
      throw new IllegalArgumentException(
          "Not a GTID position: more than " + MAX_DOMAINS + " domains");
    }
    long[][] triples = new long[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      String[] fields = parts[i].strip().split("-", -1);
      if (fields.length != 3) {
        throw new IllegalArgumentException("Not a GTID position: " + abbreviate(text));
      }
      triples[i] =
          new long[] {
            unsigned(fields[0], 10, 0xFFFFFFFFL, text),
            unsigned(fields[1], 10, 0xFFFFFFFFL, text),
            unsigned(fields[2], 20, -1L, text)
          };
    }
    Arrays.sort(triples, (a, b) -> Long.compare(a[0], b[0]));
    long[] domains = new long[triples.length];
    long[] servers = new long[triples.length];
    long[] sequences = new long[triples.length];
    for (int i = 0; i < triples.length; i++) {
      if (i > 0 && triples[i][0] == triples[i - 1][0]) {
        throw new IllegalArgumentException(
            "Not a GTID position: domain " + triples[i][0] + " twice in " + abbreviate(text));
      }
      domains[i] = triples[i][0];
      servers[i] = triples[i][1];
      sequences[i] = triples[i][2];
    }
    return new ReplicationPosition(Kind.GTID, domains, servers, sequences);
  }

  /** Decimal digits only (no sign, no spaces), at most {@code maxDigits}, at most {@code max}. */
  private static long unsigned(String digits, int maxDigits, long max, String text) {
    if (digits.isEmpty() || digits.length() > maxDigits) {
      throw new IllegalArgumentException("Not a GTID position: " + abbreviate(text));
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        throw new IllegalArgumentException("Not a GTID position: " + abbreviate(text));
      }
    }
    try {
      long value = Long.parseUnsignedLong(digits);
      if (max != -1L && Long.compareUnsigned(value, max) > 0) {
        throw new IllegalArgumentException("Not a GTID position: " + abbreviate(text));
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a GTID position: " + abbreviate(text), e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? "'" + text + "'" : "'" + text.substring(0, 57) + "...'";
  }

  public boolean isNone() {
    return kind == null;
  }

  /** Whether this stands for nothing: {@link #NONE}, or a GTID list without a domain. */
  public boolean isEmpty() {
    return domains.length == 0;
  }

  /** The kind, or null for {@link #NONE}. */
  public Kind kind() {
    return kind;
  }

  /** The WAL position as a number: 0 unless this is a WAL position. */
  public long lsn() {
    return kind == Kind.WAL ? sequences[0] : 0;
  }

  /** The timeline of a WAL position: 0 when not known, or not a WAL position. */
  public long timeline() {
    return kind == Kind.WAL ? servers[0] : 0;
  }

  /**
   * Whether a server at this position has everything {@code required} stands for: every domain of
   * it, to at least its sequence number (WAL: at least its position, on the same timeline where
   * both timelines are known).
   */
  public boolean reached(ReplicationPosition required) {
    if (required.kind == null) {
      return true;
    }
    if (kind != required.kind) {
      return false;
    }
    if (kind == Kind.WAL && !sameTimeline(required)) {
      return false;
    }
    int mine = 0;
    for (int i = 0; i < required.domains.length; i++) {
      while (mine < domains.length && domains[mine] < required.domains[i]) {
        mine++;
      }
      if (mine == domains.length
          || domains[mine] != required.domains[i]
          || Long.compareUnsigned(sequences[mine], required.sequences[i]) < 0) {
        return false;
      }
    }
    return true;
  }

  /** WAL: whether both are on one timeline, or either timeline is not known. */
  private boolean sameTimeline(ReplicationPosition other) {
    return servers[0] == 0 || other.servers[0] == 0 || servers[0] == other.servers[0];
  }

  /**
   * The least position that reaches both: per domain the further one. Of two kinds (the primary
   * became another database), {@code other}, the newer one. Of two WAL timelines, the position on
   * the later one: no position reaches both.
   */
  public ReplicationPosition furthest(ReplicationPosition other) {
    if (other.kind == null || reached(other)) {
      return this;
    }
    if (kind == null || kind != other.kind || other.reached(this)) {
      return other;
    }
    if (kind == Kind.WAL) {
      return Long.compareUnsigned(servers[0], other.servers[0]) >= 0 ? this : other;
    }
    // GTID positions, each ahead in some domain: merge.
    long[] d = new long[domains.length + other.domains.length];
    long[] s = new long[d.length];
    long[] n = new long[d.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < domains.length || j < other.domains.length) {
      boolean takeMine =
          j == other.domains.length || (i < domains.length && domains[i] < other.domains[j]);
      boolean takeOther =
          i == domains.length || (j < other.domains.length && other.domains[j] < domains[i]);
      if (takeMine) {
        d[k] = domains[i];
        s[k] = servers[i];
        n[k++] = sequences[i++];
      } else if (takeOther) {
        d[k] = other.domains[j];
        s[k] = other.servers[j];
        n[k++] = other.sequences[j++];
      } else {
        boolean mineFurther = Long.compareUnsigned(sequences[i], other.sequences[j]) >= 0;
        d[k] = domains[i];
        s[k] = mineFurther ? servers[i] : other.servers[j];
        n[k++] = mineFurther ? sequences[i] : other.sequences[j];
        i++;
        j++;
      }
    }
    return new ReplicationPosition(
        Kind.GTID, Arrays.copyOf(d, k), Arrays.copyOf(s, k), Arrays.copyOf(n, k));
  }

  /** {@code none}, a WAL position ({@code 16/B374D848}) or a GTID list ({@code 0-1-42,1-2-7}). */
  @Override
  public String toString() {
    if (kind == null) {
      return "none";
    }
    if (kind == Kind.WAL) {
      return servers[0] == 0
          ? Lsn.format(sequences[0])
          : Lsn.format(sequences[0]) + " on timeline " + servers[0];
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < domains.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      text.append(domains[i])
          .append('-')
          .append(servers[i])
          .append('-')
          .append(Long.toUnsignedString(sequences[i]));
    }
    return text.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicationPosition other
        && kind == other.kind
        && Arrays.equals(domains, other.domains)
        && Arrays.equals(servers, other.servers)
        && Arrays.equals(sequences, other.sequences);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(domains) + Arrays.hashCode(servers))
        + Arrays.hashCode(sequences);
  }
}
