package dev.balanced.internal.routing;

import dev.balanced.spi.FunctionName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides from its text whether a statement writes. It is the safety net under the ORM's own write
 * signals: whatever writes or locks (DML, DDL, {@code SELECT ... FOR UPDATE/SHARE}, {@code LOCK IN
 * SHARE MODE}, {@code SELECT ... INTO}, {@code nextval}, procedure calls, anything unrecognised)
 * counts as a write and goes to the primary. Misjudging a read as a write costs offload; the
 * reverse would fail on a standby, or worse succeed there with an effect that belongs on the
 * primary, so doubt means write.
 *
 * <p>A query is also a write when it calls one of these functions, in any schema and whatever the
 * case, quoted or not:
 *
 * <ul>
 *   <li>advisory locks, {@code pg_advisory_*} and {@code pg_try_advisory_*} (lock, unlock, {@code
 *       _xact}, {@code _shared}, {@code pg_advisory_unlock_all}): a standby grants them and they
 *       exclude nothing on the primary; an unlock must reach the session that locked.
 *   <li>MySQL/MariaDB named locks: {@code get_lock}, {@code release_lock}, {@code
 *       release_all_locks}, and {@code is_free_lock}/{@code is_used_lock}, which only mean
 *       something where the locks are taken.
 *   <li>{@code txid_current}, {@code txid_current_if_assigned}, {@code pg_current_xact_id}, {@code
 *       pg_current_xact_id_if_assigned}: they name the writing transaction, which a standby has not
 *       got (it refuses the first and third). {@code pg_current_wal_*}: a standby refuses them.
 *   <li>{@code pg_notify}: a standby refuses it, and listeners are on the primary.
 *   <li>{@code set_config}, whether {@code is_local} or not: the setting stays on the connection
 *       that ran it, and a replica's connection does not run the unit of work's writes ({@code SET}
 *       is classified on its own, as connection state).
 *   <li>large objects: every {@code lo_*} function and {@code loread}/{@code lowrite} ({@code
 *       lo_open}'s descriptor lives in the transaction of the connection that opened it, and the
 *       others write or write files on the server), except {@code lo_get}, which reads a whole
 *       object in one call and works on a standby.
 *   <li>{@code dblink*}: {@code dblink_exec} runs a command (a loopback one fails on a standby),
 *       named connections are per-session state, and {@code dblink()} may run any remote SQL.
 *   <li>{@code nextval} and {@code setval}, and {@code NEXT VALUE FOR}.
 *   <li>the functions declared in {@code write_functions}: a name without schema matches calls in
 *       any schema; {@code schema.name} matches calls in that schema and unqualified calls (which
 *       the search path may resolve to it).
 * </ul>
 *
 * <p>The text is not parsed: string literals and comments inside a statement are scanned like the
 * rest, so {@code 'for update'} or {@code 'pg_notify(' } in a literal make a write. That errs the
 * safe way, costing only offload; skipping literals correctly would need each database's quoting
 * rules (backslash escapes, dollar quotes). Only leading comments are skipped.
 *
 * <p>One classifier per router: the built-in rules plus that router's declared functions. A
 * statement is scanned once, allocating nothing; a function call costs a look back from its {@code
 * (} and a comparison with the few names of that length.
 */
final class SqlClassifier {
  private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

  /** Functions with effects, matched by full name. */
  private static final List<String> WRITE_FUNCTIONS =
      List.of(
          "get_lock",
          "release_lock",
          "release_all_locks",
          "is_free_lock",
          "is_used_lock",
          "txid_current",
          "txid_current_if_assigned",
          "pg_current_xact_id",
          "pg_current_xact_id_if_assigned",
          "pg_notify",
          "set_config",
          "loread",
          "lowrite");

  /**
   * Families of functions with effects, matched by the start of their name. An array: iterating a
   * list would allocate an iterator per call.
   */
  private static final String[] WRITE_FUNCTION_PREFIXES = {
    "pg_advisory_", "pg_try_advisory_", "pg_current_wal_", "lo_", "dblink"
  };

  /** Large-object functions that only read, exceptions to {@code lo_}. */
  private static final List<String> READ_FUNCTIONS = List.of("lo_get");

  /** The built-in rules, without declared functions. */
  public static final SqlClassifier BUILT_IN = new SqlClassifier(List.of());

  /**
   * Names by length: {@code names[n]} holds the names of length {@code n} that make a call a write
   * in any schema, {@code reads[n]} the exceptions to the prefixes.
   */
  private final String[][] names;

  private final String[][] reads;

  /**
   * Declared {@code schema.name} functions, {@code schemas[i]} holding {@code qualifiedNames[i]}: a
   * user declares a few, so a scan is cheap.
   */
  private final String[] schemas;

  private final String[] qualifiedNames;

  private SqlClassifier(List<FunctionName> declared) {
    List<String> anySchema = new ArrayList<>(WRITE_FUNCTIONS);
    List<String> schemaList = new ArrayList<>();
    List<String> qualifiedList = new ArrayList<>();
    for (FunctionName function : declared) {
      if (function.schema() == null) {
        anySchema.add(function.name());
      } else {
        schemaList.add(function.schema());
        qualifiedList.add(function.name());
      }
    }
    this.names = byLength(anySchema);
    this.reads = byLength(READ_FUNCTIONS);
    this.schemas = schemaList.toArray(new String[0]);
    this.qualifiedNames = qualifiedList.toArray(new String[0]);
  }

  /** The built-in rules plus calls to {@code writeFunctions}. */
  public static SqlClassifier withWriteFunctions(List<FunctionName> writeFunctions) {
    return writeFunctions.isEmpty() ? BUILT_IN : new SqlClassifier(writeFunctions);
  }

  private static String[][] byLength(List<String> list) {
    int longest = 0;
    for (String name : list) {
      longest = Math.max(longest, name.length());
    }
    String[][] table = new String[longest + 1][];
    for (String name : list) {
      String[] same = table[name.length()];
      String[] grown = same == null ? new String[1] : Arrays.copyOf(same, same.length + 1);
      grown[grown.length - 1] = name;
      table[name.length()] = grown;
    }
    return table;
  }

  /**
   * Whether {@code sql} must run on the primary. A string of several statements ({@code select 1;
   * update t ...}, which MySQL drivers send with {@code allowMultiQueries}) writes if any of them
   * does; a {@code ;} inside a literal may make the rest look like a statement of its own, which
   * errs towards the primary.
   */
  public boolean isWrite(String sql) {
    int semicolon = sql.indexOf(';');
    if (semicolon >= 0 && skipLeadingNoise(sql, semicolon + 1) < sql.length()) {
      return isWrite(sql, 0, semicolon) || isWrite(sql.substring(semicolon + 1));
    }
    return isWrite(sql, 0, sql.length());
  }

  /** One statement: {@code sql} up to {@code end}. */
  private boolean isWrite(String sql, int from, int end) {
    if (end < sql.length()) {
      sql = sql.substring(from, end);
    }
    int start = skipLeadingNoise(sql, 0);
    if (startsWithWord(sql, start, "select") || startsWithWord(sql, start, "values")) {
      return hasEffect(sql, start);
    }
    if (startsWithWord(sql, start, "do")) {
      // MySQL's DO evaluates expressions and discards them: a read unless one has an effect
      // (DO GET_LOCK('x', 10)). PostgreSQL's DO runs a code block, which may do anything.
      return isCodeBlock(sql, skipNoise(sql, start + 2))
          || hasEffect(sql, start)
          || hasDmlWord(sql, start + 2);
    }
    if (startsWithWord(sql, start, "with")) {
      return hasEffect(sql, start) || hasDmlWord(sql, start + 4);
    }
    if (startsWithWord(sql, start, "explain")) {
      // EXPLAIN ANALYZE runs the statement it explains.
      return hasEffect(sql, start) || hasDmlWord(sql, start + 7);
    }
    if (startsWithWord(sql, start, "show")
        || startsWithWord(sql, start, "describe")
        || startsWithWord(sql, start, "desc")) {
      return false;
    }
    return true;
  }

  /**
   * A short description of a writing statement for messages and logs: its verb and, where easy, its
   * table ("update item"). Never the full text, which may hold literal values.
   */
  public String describe(String sql) {
    int start = skipLeadingNoise(sql, 0);
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
      int at = effectAt(sql, start);
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
   * {@code SET} whose value is computed by SQL that writes, including a function declared in {@code
   * write_functions} (MySQL's {@code SET @v = archive_order(42)}).
   */
  SessionState sessionState(String sql) {
    if (sql.indexOf(';') >= 0) {
      // Several statements: not a plain setting; isWrite looks at each.
      return SessionState.NONE;
    }
    int start = skipLeadingNoise(sql, 0);
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
        || hasEffect(sql, next)
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

  /**
   * {@link #skipNoise}, and MySQL's {@code #} comments, which only count before the statement: in
   * PostgreSQL {@code #} is an operator, and skipping it inside a statement could hide a write.
   */
  private static int skipLeadingNoise(String sql, int from) {
    int i = skipNoise(sql, from);
    while (i < sql.length() && sql.charAt(i) == '#') {
      int eol = sql.indexOf('\n', i + 1);
      i = eol < 0 ? sql.length() : skipNoise(sql, eol + 1);
    }
    return i;
  }

  private static int skipNoise(String sql, int from) {
    int i = from;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (c == '/'
          && i + 1 < n
          && sql.charAt(i + 1) == '*'
          && !isExecutableComment(sql, i)) {
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

  /**
   * Whether a PostgreSQL {@code DO} block's body (a string: {@code $$...$$}, {@code '...'}, {@code
   * E'...'}) or {@code LANGUAGE} starts at {@code at}.
   */
  private static boolean isCodeBlock(String sql, int at) {
    if (at >= sql.length()) {
      return false;
    }
    char c = sql.charAt(at);
    return c == '$'
        || c == '\''
        || ((c == 'e' || c == 'E') && at + 1 < sql.length() && sql.charAt(at + 1) == '\'')
        || startsWithWord(sql, at, "language");
  }

  /**
   * MySQL's {@code /*! ... *}{@code /} and MariaDB's {@code /*M! ... *}{@code /} run their content
   * as SQL: not noise, and a statement that starts with one is not known to be a read.
   */
  private static boolean isExecutableComment(String sql, int at) {
    return sql.startsWith("/*!", at) || sql.startsWith("/*M!", at) || sql.startsWith("/*m!", at);
  }

  private static boolean startsWithWord(String sql, int at, String word) {
    return sql.regionMatches(true, at, word, 0, word.length())
        && (at + word.length() == sql.length()
            || !isIdentifierChar(sql.charAt(at + word.length())));
  }

  /**
   * One pass over a query looking for row locks, sequence calls, {@code SELECT ... INTO} (which
   * creates a table in PostgreSQL, and sets a variable in MySQL) and calls to functions that write.
   */
  private boolean hasEffect(String sql, int from) {
    return effectAt(sql, from) >= 0;
  }

  /**
   * Where the first row lock, sequence call, {@code INTO} or writing function's name of a query
   * starts; -1 if none.
   */
  private int effectAt(String sql, int from) {
    int n = sql.length();
    for (int i = from; i < n; i++) {
      char c = sql.charAt(i);
      if (c == '(') {
        int call = writingCallAt(sql, i);
        if (call >= 0) {
          return call;
        }
        continue;
      }
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

  /**
   * Where the name of the function called by the {@code (} at {@code paren} starts, if it is one
   * that writes; else -1. Looks back over spaces and comments to the name, quoted or not, and over
   * a dot to its schema.
   */
  private int writingCallAt(String sql, int paren) {
    int nameEnd = skipNoiseBack(sql, paren);
    int nameStart = identifierStart(sql, nameEnd);
    if (nameStart < 0) {
      return -1;
    }
    boolean quoted = nameStart < nameEnd && isQuote(sql.charAt(nameEnd - 1));
    int from = quoted ? nameStart + 1 : nameStart;
    int to = quoted ? nameEnd - 1 : nameEnd;
    int length = to - from;
    if (length <= 0) {
      return -1;
    }
    if (contains(names, sql, from, length)) {
      return from;
    }
    for (String prefix : WRITE_FUNCTION_PREFIXES) {
      if (length >= prefix.length()
          && sql.regionMatches(true, from, prefix, 0, prefix.length())
          && !contains(reads, sql, from, length)) {
        return from;
      }
    }
    for (int i = 0; i < qualifiedNames.length; i++) {
      String name = qualifiedNames[i];
      if (name.length() != length || !sql.regionMatches(true, from, name, 0, length)) {
        continue;
      }
      int dot = skipNoiseBack(sql, nameStart) - 1;
      if (dot < 0 || sql.charAt(dot) != '.') {
        return from; // unqualified: the search path may resolve it to the declared schema
      }
      int schemaEnd = skipNoiseBack(sql, dot);
      int schemaStart = identifierStart(sql, schemaEnd);
      if (schemaStart >= 0 && matchesIdentifier(sql, schemaStart, schemaEnd, schemas[i])) {
        return from;
      }
    }
    return -1;
  }

  private static boolean contains(String[][] byLength, String sql, int from, int length) {
    if (length >= byLength.length || byLength[length] == null) {
      return false;
    }
    for (String name : byLength[length]) {
      if (sql.regionMatches(true, from, name, 0, length)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the identifier in {@code [start, end)}, quoted or not, is {@code name}. */
  private static boolean matchesIdentifier(String sql, int start, int end, String name) {
    if (isQuote(sql.charAt(end - 1))) {
      start++;
      end--;
    }
    return end - start == name.length() && sql.regionMatches(true, start, name, 0, name.length());
  }

  /**
   * The start of the identifier that ends just before {@code end}: a word, or a quoted name in
   * {@code "..."} or {@code `...`} (its opening quote); -1 if none ends there.
   */
  private static int identifierStart(String sql, int end) {
    if (end <= 0) {
      return -1;
    }
    char last = sql.charAt(end - 1);
    if (isQuote(last)) {
      int open = sql.lastIndexOf(last, end - 2);
      return open < 0 ? -1 : open;
    }
    int start = end;
    while (start > 0 && isIdentifierChar(sql.charAt(start - 1))) {
      start--;
    }
    return start == end ? -1 : start;
  }

  private static boolean isQuote(char c) {
    return c == '"' || c == '`';
  }

  /** Going back from {@code end}: the end of what precedes it, past spaces and block comments. */
  private static int skipNoiseBack(String sql, int end) {
    int i = end;
    while (i > 0) {
      char c = sql.charAt(i - 1);
      if (Character.isWhitespace(c)) {
        i--;
      } else if (c == '/' && i >= 2 && sql.charAt(i - 2) == '*') {
        int open = sql.lastIndexOf("/*", i - 3);
        if (open < 0) {
          return i;
        }
        i = open;
      } else {
        return i;
      }
    }
    return i;
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
