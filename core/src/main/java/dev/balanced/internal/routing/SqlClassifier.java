package dev.balanced.internal.routing;

/**
 * Decides from its text whether a statement writes. It is the safety net under the ORM's own write
 * signals: whatever writes or locks (DML, DDL, {@code SELECT ... FOR UPDATE/SHARE}, {@code
 * nextval}, procedure calls, anything unrecognised) counts as a write and goes to the primary.
 * Misjudging a read as a write costs offload; the reverse would fail on a standby, so doubt means
 * write.
 */
public final class SqlClassifier {
  private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

  private SqlClassifier() {}

  /** Whether {@code sql} must run on the primary. */
  public static boolean isWrite(String sql) {
    int start = skipNoise(sql, 0);
    if (startsWithWord(sql, start, "select") || startsWithWord(sql, start, "values")) {
      return hasLockOrSequence(sql, start);
    }
    if (startsWithWord(sql, start, "with")) {
      return hasLockOrSequence(sql, start) || hasDmlWord(sql, start + 4);
    }
    if (startsWithWord(sql, start, "explain")) {
      // EXPLAIN ANALYZE runs the statement it explains.
      return hasLockOrSequence(sql, start) || hasDmlWord(sql, start + 7);
    }
    if (startsWithWord(sql, start, "show")) {
      return false;
    }
    return true;
  }

  /**
   * A short description of a writing statement for messages and logs: its verb and, where easy, its
   * table ("update item"). Never the full text, which may hold literal values.
   */
  public static String describe(String sql) {
    int start = skipNoise(sql, 0);
    int end = start;
    int words = 0;
    while (end < sql.length() && words < 3) {
      while (end < sql.length() && isIdentifierChar(sql.charAt(end))) {
        end++;
      }
      words++;
      String soFar =
          WHITESPACE
              .matcher(sql.substring(start, end).toLowerCase(java.util.Locale.ROOT))
              .replaceAll(" ");
      boolean needsTable =
          soFar.equals("insert")
              || soFar.equals("delete")
              || soFar.equals("insert into")
              || soFar.equals("delete from")
              || soFar.equals("update")
              || soFar.equals("merge")
              || soFar.equals("merge into")
              || soFar.equals("truncate");
      if (!needsTable || end >= sql.length()) {
        break;
      }
      while (end < sql.length() && Character.isWhitespace(sql.charAt(end))) {
        end++;
      }
    }
    String head = WHITESPACE.matcher(sql.substring(start, end).trim()).replaceAll(" ");
    if (words == 1 && isQueryShaped(sql, start)) {
      // A query that writes: show what makes it one ("select ... for update"), or the refusal of a
      // plain-looking select would puzzle.
      int at = lockOrSequenceAt(sql, start);
      if (at > end) {
        return "SQL statement '" + head + " ... " + wordsAt(sql, at, 4) + " ...'";
      }
    }
    return "SQL statement '" + head + (end < sql.length() ? " ...'" : "'");
  }

  /** What a {@code SET} or {@code RESET} statement changes, for {@link #sessionState}. */
  enum SessionState {
    /** Not a statement that only changes session state: route it by {@link #isWrite}. */
    NONE,
    /** Lasts for the connection's session: {@code SET x}, {@code SET SESSION x}, {@code RESET}. */
    SESSION,
    /** Lasts until the transaction ends: PostgreSQL's {@code SET LOCAL x}. */
    TRANSACTION
  }

  /**
   * Whether {@code sql} only changes the state of the session that runs it ({@code SET
   * search_path}, {@code SET statement_timeout}, {@code SET ROLE}, {@code SET @var}, {@code RESET
   * ...}): such a statement writes nothing and may run on any node. Not among them, because they
   * change the transaction or the server rather than settings of the session, or would fail on a
   * standby: {@code SET TRANSACTION}, {@code SET SESSION CHARACTERISTICS}, {@code SET CONSTRAINTS},
   * MySQL's {@code SET GLOBAL}/{@code PERSIST}/{@code @@global.} and {@code SET autocommit}, and a
   * {@code SET} whose value is computed by SQL that writes.
   */
  static SessionState sessionState(String sql) {
    int start = skipNoise(sql, 0);
    if (startsWithWord(sql, start, "reset")) {
      return SessionState.SESSION;
    }
    if (!startsWithWord(sql, start, "set")) {
      return SessionState.NONE;
    }
    int next = skipNoise(sql, start + 3);
    SessionState scope = SessionState.SESSION;
    if (startsWithWord(sql, next, "local")) {
      scope = SessionState.TRANSACTION;
      next = skipNoise(sql, next + 5);
    } else if (startsWithWord(sql, next, "session")) {
      int after = skipNoise(sql, next + 7);
      if (startsWithWord(sql, after, "characteristics")) {
        return SessionState.NONE;
      }
      if (!startsWithWord(sql, after, "authorization")) {
        next = after;
      }
    }
    if (startsWithWord(sql, next, "transaction")
        || startsWithWord(sql, next, "constraints")
        || startsWithWord(sql, next, "global")
        || startsWithWord(sql, next, "persist")
        || startsWithWord(sql, next, "persist_only")
        || startsWithWord(sql, next, "autocommit")
        || sql.regionMatches(true, next, "@@global.", 0, 9)
        || sql.regionMatches(true, next, "@@persist", 0, 9)
        || sql.regionMatches(true, next, "@@autocommit", 0, 12)
        || sql.regionMatches(true, next, "@@session.autocommit", 0, 20)
        || hasLockOrSequence(sql, next)
        || hasDmlWord(sql, next)) {
      return SessionState.NONE;
    }
    return scope;
  }

  private static boolean isQueryShaped(String sql, int start) {
    return startsWithWord(sql, start, "select")
        || startsWithWord(sql, start, "values")
        || startsWithWord(sql, start, "with")
        || startsWithWord(sql, start, "explain");
  }

  /** Up to {@code count} words from {@code at}, stopping at anything but identifiers and spaces. */
  private static String wordsAt(String sql, int at, int count) {
    int end = at;
    int words = 0;
    while (end < sql.length() && words < count) {
      int wordEnd = end;
      while (wordEnd < sql.length() && isIdentifierChar(sql.charAt(wordEnd))) {
        wordEnd++;
      }
      if (wordEnd == end) {
        break;
      }
      end = wordEnd;
      words++;
      int next = end;
      while (next < sql.length() && Character.isWhitespace(sql.charAt(next))) {
        next++;
      }
      if (words < count && next < sql.length() && isIdentifierChar(sql.charAt(next))) {
        end = next;
      }
    }
    return WHITESPACE.matcher(sql.substring(at, end).trim()).replaceAll(" ");
  }

  private static int skipNoise(String sql, int from) {
    int i = from;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int close = sql.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int eol = sql.indexOf('\n', i + 2);
        i = eol < 0 ? n : eol + 1;
      } else {
        break;
      }
    }
    return i;
  }

  private static boolean startsWithWord(String sql, int at, String word) {
    return sql.regionMatches(true, at, word, 0, word.length())
        && (at + word.length() == sql.length()
            || !isIdentifierChar(sql.charAt(at + word.length())));
  }

  /**
   * One pass over a query looking for row locks, sequence calls and {@code SELECT ... INTO} (which
   * creates a table in PostgreSQL).
   */
  private static boolean hasLockOrSequence(String sql, int from) {
    return lockOrSequenceAt(sql, from) >= 0;
  }

  /** Where the first row lock, sequence call or {@code INTO} of a query starts; -1 if none. */
  private static int lockOrSequenceAt(String sql, int from) {
    int n = sql.length();
    for (int i = from; i < n; i++) {
      char c = sql.charAt(i);
      if (i > 0 && isIdentifierChar(sql.charAt(i - 1))) {
        continue;
      }
      switch (c) {
        case 'f', 'F' -> {
          if (startsWithWord(sql, i, "for")) {
            int next = skipNoise(sql, i + 3);
            if (startsWithWord(sql, next, "update")
                || startsWithWord(sql, next, "share")
                || startsWithWord(sql, next, "no")
                || startsWithWord(sql, next, "key")) {
              return i;
            }
          }
        }
        case 'n', 'N' -> {
          if (startsWithWord(sql, i, "nextval") || startsWithWord(sql, i, "next")) {
            if (startsWithWord(sql, i, "nextval")) {
              return i;
            }
            int next = skipNoise(sql, i + 4);
            if (startsWithWord(sql, next, "value")) {
              return i;
            }
          }
        }
        case 's', 'S' -> {
          if (startsWithWord(sql, i, "setval")) {
            return i;
          }
        }
        case 'i', 'I' -> {
          if (startsWithWord(sql, i, "into")) {
            return i;
          }
        }
        case 'l', 'L' -> {
          if (startsWithWord(sql, i, "lock")) {
            int next = skipNoise(sql, i + 4);
            if (startsWithWord(sql, next, "in")) {
              return i;
            }
          }
        }
        default -> {}
      }
    }
    return -1;
  }

  /** Data-modifying CTEs: {@code WITH x AS (DELETE ... RETURNING *) SELECT ...}. */
  private static boolean hasDmlWord(String sql, int from) {
    int n = sql.length();
    for (int i = from; i < n; i++) {
      if (i > 0 && isIdentifierChar(sql.charAt(i - 1))) {
        continue;
      }
      if (startsWithWord(sql, i, "insert")
          || startsWithWord(sql, i, "update")
          || startsWithWord(sql, i, "delete")
          || startsWithWord(sql, i, "merge")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isIdentifierChar(char c) {
    if (c < 128) {
      // SQL text is almost all ASCII: a range check instead of a Unicode table lookup.
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '$';
    }
    return Character.isLetterOrDigit(c);
  }
}
