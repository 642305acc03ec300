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
 * <p>A query is a write too when it assigns a MySQL user variable ({@code SELECT @n := count(*)},
 * like {@code SELECT ... INTO @n}): the variable is set on the connection that ran it only, while
 * {@code SET @n = ...} is session state carried to every connection.
 *
 * <p>The text is not parsed: string literals and comments inside a statement are scanned like the
 * rest, so {@code 'for update'} or {@code 'pg_notify(' } in a literal make a write. That errs the
 * safe way, costing only offload; skipping literals correctly would need each database's quoting
 * rules (backslash escapes, dollar quotes). Only leading comments are skipped, MySQL's {@code #}
 * ones among them. Where the classifier looks past noise to the next word ({@code FOR} ... {@code
 * UPDATE}, a function's name before its {@code (}), it reads comments both as PostgreSQL does and
 * as MySQL does (which has {@code #} comments and runs the content of {@code /*! ... *}{@code /}),
 * and either reading that finds a write makes one: the classifier does not know the database, and
 * {@code #} is an operator in PostgreSQL.
 *
 * <p>One classifier per router: the built-in rules plus that router's declared functions. A
 * statement is scanned once (and searched for {@code @}), allocating nothing; a function call costs
 * a look back from its {@code (} and a comparison with the few names of that length.
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

  /** Statements that explain or describe, and run what they explain only when told to analyze. */
  private static final String[] EXPLAIN_WORDS = {"explain", "describe", "desc"};

  /** MySQL's scopes of a {@code SET} that change the server rather than the session. */
  private static final String[] SERVER_SCOPES = {"global", "persist", "persist_only"};

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
   * does; a {@code ;} inside a literal or comment may make the rest look like a statement of its
   * own, which errs towards the primary. Empty statements ({@code select 1;;}) are ignored, but a
   * string with nothing else is a write: it is not known to read.
   */
  public boolean isWrite(String sql) {
    int semicolon = sql.indexOf(';');
    if (semicolon < 0) {
      return isWrite(sql, 0, sql.length());
    }
    boolean statements = false;
    int from = 0;
    while (true) {
      int end = semicolon < 0 ? sql.length() : semicolon;
      if (skipLeadingNoise(sql, from) < end) {
        if (isWrite(sql, from, end)) {
          return true;
        }
        statements = true;
      }
      if (semicolon < 0) {
        return !statements;
      }
      from = semicolon + 1;
      semicolon = sql.indexOf(';', from);
    }
  }

  /** One statement: {@code sql} from {@code from} up to {@code end}. */
  private boolean isWrite(String sql, int from, int end) {
    if (from > 0 || end < sql.length()) {
      sql = sql.substring(from, end);
    }
    int start = skipLeadingNoise(sql, 0);
    if (startsWithWord(sql, start, "select") || startsWithWord(sql, start, "values")) {
      return hasEffect(sql, start) || assignsUserVariable(sql, start);
    }
    if (startsWithWord(sql, start, "do")) {
      // MySQL's DO evaluates expressions and discards them: a read unless one has an effect
      // (DO GET_LOCK('x', 10)). PostgreSQL's DO runs a code block, which may do anything.
      return isCodeBlock(sql, skipComments(sql, start + 2))
          || hasEffect(sql, start)
          || assignsUserVariable(sql, start)
          || hasDmlWord(sql, start + 2);
    }
    if (startsWithWord(sql, start, "with")) {
      return hasEffect(sql, start) || assignsUserVariable(sql, start) || hasDmlWord(sql, start + 4);
    }
    // EXPLAIN ANALYZE runs the statement it explains; in MySQL DESCRIBE and DESC are EXPLAIN's
    // synonyms (DESCRIBE ANALYZE SELECT GET_LOCK(...) takes the lock), and describe a table too.
    for (String explain : EXPLAIN_WORDS) {
      if (startsWithWord(sql, start, explain)) {
        return hasEffect(sql, start)
            || assignsUserVariable(sql, start)
            || hasDmlWord(sql, start + explain.length());
      }
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
      int variable = at < 0 ? userVariableAssignmentAt(sql, start) : -1;
      if (variable > end) {
        return "SQL statement '" + head + " ... @" + wordsAt(sql, variable, 1) + " := ...'";
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
   * MySQL's {@code SET GLOBAL}/{@code PERSIST}/{@code @@global.} and {@code SET autocommit} (in any
   * of the assignments of a {@code SET a = 1, GLOBAL b = 2}), {@code SET PASSWORD}, {@code SET
   * DEFAULT ROLE}, {@code SET RESOURCE GROUP}, MariaDB's {@code SET STATEMENT ... FOR} (which runs
   * a statement), a {@code SET} holding an executable comment ({@code /*! ... *}{@code /}, whose
   * content is not looked into), and a {@code SET} whose value is computed by SQL that writes,
   * including a function declared in {@code write_functions} (MySQL's {@code SET @v =
   * archive_order(42)}).
   */
  SessionState sessionState(String sql) {
    int semicolon = sql.indexOf(';');
    if (semicolon >= 0 && skipLeadingNoise(sql, semicolon + 1) < sql.length()) {
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
    if (hasExecutableComment(sql)) {
      return SessionState.NONE;
    }
    int next = skipLeadingNoise(sql, start + 3);
    SessionState scope = SessionState.SESSION;
    if (startsWithWord(sql, next, "local")) {
      scope = SessionState.TRANSACTION;
      next = skipLeadingNoise(sql, next + 5);
    } else if (startsWithWord(sql, next, "session")) {
      int after = skipLeadingNoise(sql, next + 7);
      if (startsWithWord(sql, after, "characteristics")) {
        return SessionState.NONE;
      }
      if (!startsWithWord(sql, after, "authorization")) {
        next = after;
      }
    }
    if (startsWithWord(sql, next, "transaction")
        || startsWithWord(sql, next, "constraints")
        || startsWithWord(sql, next, "password")
        || startsWithWord(sql, next, "default")
        || startsWithWord(sql, next, "resource")
        || startsWithWord(sql, next, "statement")
        || changesServer(sql, next, false)
        || hasEffect(sql, next)
        || hasDmlWord(sql, next)) {
      return SessionState.NONE;
    }
    // MySQL sets several variables in one SET, each with its own scope: SET @x = 1, GLOBAL y = 2.
    // Every comma counts, also one inside a value, which errs towards the primary.
    for (int comma = sql.indexOf(',', next); comma >= 0; comma = sql.indexOf(',', comma + 1)) {
      if (changesServer(sql, skipLeadingNoise(sql, comma + 1), true)) {
        return SessionState.NONE;
      }
    }
    return scope;
  }

  /**
   * Whether the assignment of a {@code SET} at {@code at} changes the server or the transaction
   * mode rather than a setting of the session: MySQL's {@code GLOBAL}, {@code PERSIST}, {@code
   * PERSIST_ONLY}, {@code @@global.}, {@code @@persist.} and {@code autocommit} in any scope. After
   * a comma ({@code listed}) a keyword counts only where it is followed as in an assignment, so
   * that PostgreSQL's {@code SET search_path = app, global} still names a schema.
   */
  private static boolean changesServer(String sql, int at, boolean listed) {
    if (startsWithWord(sql, at, "session")) {
      at = skipLeadingNoise(sql, at + 7);
    } else if (startsWithWord(sql, at, "local")) {
      at = skipLeadingNoise(sql, at + 5);
    }
    if (sql.regionMatches(true, at, "@@global.", 0, 9)
        || sql.regionMatches(true, at, "@@persist", 0, 9)
        || sql.regionMatches(true, at, "@@autocommit", 0, 12)
        || sql.regionMatches(true, at, "@@session.autocommit", 0, 20)
        || sql.regionMatches(true, at, "@@local.autocommit", 0, 18)) {
      return true;
    }
    for (String scope : SERVER_SCOPES) {
      if (startsWithWord(sql, at, scope)) {
        int next = skipLeadingNoise(sql, at + scope.length());
        return !listed
            || (next < sql.length()
                && (isIdentifierChar(sql.charAt(next)) || isQuote(sql.charAt(next))));
      }
    }
    if (startsWithWord(sql, at, "autocommit")) {
      int next = skipLeadingNoise(sql, at + 10);
      return !listed
          || (next < sql.length() && (sql.charAt(next) == '=' || sql.charAt(next) == ':'));
    }
    return false;
  }

  private static boolean isQueryShaped(String sql, int start) {
    return startsWithWord(sql, start, "select")
        || startsWithWord(sql, start, "values")
        || startsWithWord(sql, start, "with")
        || startsWithWord(sql, start, "do")
        || startsWithWord(sql, start, "explain")
        || startsWithWord(sql, start, "describe")
        || startsWithWord(sql, start, "desc");
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
   * {@link #skipNoise}, and MySQL's {@code #} comments, which only count before the statement and
   * between the parts of a {@code SET}, where PostgreSQL has no expression: in PostgreSQL {@code #}
   * is an operator, and skipping it inside a statement could hide a write.
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
          if (startsWithWord(sql, i, "for")
              && (wordFollows(sql, i + 3, "update")
                  || wordFollows(sql, i + 3, "share")
                  || wordFollows(sql, i + 3, "no")
                  || wordFollows(sql, i + 3, "key"))) {
            return i;
          }
        }
        case 'n', 'N' -> {
          if (startsWithWord(sql, i, "nextval") || startsWithWord(sql, i, "next")) {
            if (startsWithWord(sql, i, "nextval") || wordFollows(sql, i + 4, "value")) {
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
          if (startsWithWord(sql, i, "lock") && wordFollows(sql, i + 4, "in")) {
            return i;
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
    int nameEnd = skipNoiseBack(sql, paren, false);
    int call = writingNameAt(sql, nameEnd);
    if (call < 0) {
      // MySQL runs what an executable comment holds: /*!50000 GET_LOCK */('x', 1) calls it.
      int running = skipNoiseBack(sql, paren, true);
      if (running != nameEnd) {
        call = writingNameAt(sql, running);
      }
    }
    return call;
  }

  /** Where the name that ends at {@code nameEnd} starts, if a call to it writes; else -1. */
  private int writingNameAt(String sql, int nameEnd) {
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
      int dot = skipNoiseBack(sql, nameStart, false) - 1;
      if (dot < 0 || sql.charAt(dot) != '.') {
        return from; // unqualified: the search path may resolve it to the declared schema
      }
      int schemaEnd = skipNoiseBack(sql, dot, false);
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

  /**
   * Going back from {@code end}: the end of what precedes it, past spaces and block comments. With
   * {@code running}, as MySQL reads executable comments: their markers are passed but what they
   * hold counts.
   */
  private static int skipNoiseBack(String sql, int end, boolean running) {
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
        if (running && isExecutableComment(sql, open)) {
          int content = executableContentStart(sql, open);
          i = content >= i - 2 ? open : i - 2;
        } else {
          i = open;
        }
      } else if (running && (c == '!' || (c >= '0' && c <= '9'))) {
        int open = executableOpenerBefore(sql, i);
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

  /**
   * The start of the executable comment marker ({@code /*!}, {@code /*M!} and a version) that ends
   * at {@code end}, or -1 if none does.
   */
  private static int executableOpenerBefore(String sql, int end) {
    int i = end;
    while (i > 0 && sql.charAt(i - 1) >= '0' && sql.charAt(i - 1) <= '9') {
      i--;
    }
    if (i < 3 || sql.charAt(i - 1) != '!') {
      return -1;
    }
    int open = i - 1;
    if (sql.charAt(open - 1) == 'M' || sql.charAt(open - 1) == 'm') {
      open--;
    }
    return open >= 2 && sql.startsWith("/*", open - 2) ? open - 2 : -1;
  }

  /** Where the content of the executable comment opening at {@code open} starts. */
  private static int executableContentStart(String sql, int open) {
    int i = sql.indexOf('!', open) + 1;
    while (i < sql.length() && sql.charAt(i) >= '0' && sql.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  private static boolean hasExecutableComment(String sql) {
    int open = sql.indexOf("/*");
    while (open >= 0) {
      if (isExecutableComment(sql, open)) {
        return true;
      }
      open = sql.indexOf("/*", open + 2);
    }
    return false;
  }

  /**
   * Whether {@code word} comes next after {@code at}, past noise as PostgreSQL reads it or as MySQL
   * does, which also has {@code #} comments and runs what executable comments hold ({@code FOR
   * /*!50000 UPDATE *}{@code /}): either reading makes a write.
   */
  private static boolean wordFollows(String sql, int at, String word) {
    int next = skipNoise(sql, at);
    int commented = skipComments(sql, next);
    if (startsWithWord(sql, commented, word)) {
      return true;
    }
    int running = skipRunningNoise(sql, next);
    return running != commented && startsWithWord(sql, running, word);
  }

  /**
   * {@link #skipNoise} as PostgreSQL reads it, where {@code /*! ... *}{@code /} is a comment like
   * any other.
   */
  private static int skipComments(String sql, int from) {
    int i = skipNoise(sql, from);
    while (isExecutableComment(sql, i)) {
      int close = sql.indexOf("*/", i + 2);
      i = close < 0 ? sql.length() : skipNoise(sql, close + 2);
    }
    return i;
  }

  /**
   * {@link #skipNoise} as MySQL reads it: also {@code #} comments, and the markers of executable
   * comments ({@code /*!50000}, {@code /*M!}, their {@code *}{@code /}), whose content is SQL.
   */
  private static int skipRunningNoise(String sql, int from) {
    int i = from;
    int n = sql.length();
    while (i < n) {
      int next = skipNoise(sql, i);
      if (next < n && sql.charAt(next) == '#') {
        int eol = sql.indexOf('\n', next + 1);
        next = eol < 0 ? n : eol + 1;
      } else if (isExecutableComment(sql, next)) {
        next = executableContentStart(sql, next);
      } else if (sql.startsWith("*/", next)) {
        next += 2;
      }
      if (next == i) {
        break;
      }
      i = next;
    }
    return i;
  }

  /**
   * Whether a query assigns a MySQL user variable ({@code SELECT @n := count(*) ...}): like {@code
   * SELECT ... INTO @n}, it sets the variable on the connection that runs it, and later statements
   * of the session may run elsewhere ({@code SET @n = ...} is carried to every connection, this is
   * not). PostgreSQL has no such syntax: its {@code :=} follows an argument's name.
   */
  private static boolean assignsUserVariable(String sql, int from) {
    return userVariableAssignmentAt(sql, from) >= 0;
  }

  /** Where the name of the first user variable a query assigns starts; -1 if none. */
  private static int userVariableAssignmentAt(String sql, int from) {
    int n = sql.length();
    for (int at = sql.indexOf('@', from); at >= 0; at = sql.indexOf('@', at + 1)) {
      int name = at + 1;
      int end = name;
      if (end < n && (sql.charAt(end) == '\'' || isQuote(sql.charAt(end)))) {
        int close = sql.indexOf(sql.charAt(end), end + 1);
        if (close < 0) {
          continue;
        }
        end = close + 1;
      } else {
        while (end < n && (isIdentifierChar(sql.charAt(end)) || sql.charAt(end) == '.')) {
          end++;
        }
        if (end == name) {
          continue;
        }
      }
      int next = skipNoise(sql, end);
      if (sql.startsWith(":=", next)) {
        return name;
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
