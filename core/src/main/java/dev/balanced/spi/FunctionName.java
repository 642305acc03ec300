package dev.balanced.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A function declared in {@link Settings#WRITE_FUNCTIONS}: its name and, when given, its schema,
 * both without quotes. Calls compare them case-insensitively.
 *
 * @param schema the schema, or {@code null} when the name was given without one
 * @param name the function's name
 */
public record FunctionName(String schema, String name) {

  /** What {@link #parseList} accepts, for messages. */
  static final String EXPECTED =
      "comma-separated function names, each 'name' or 'schema.name' (e.g."
          + " archive_order,app.bump_counter), a name starting with a letter or '_' and holding"
          + " letters, digits, '_' and '$', or double-quoted";

  /**
   * Parses {@code archive_order, app.bump_counter, "Odd Name"}; blank text declares none.
   *
   * @throws Setting.InvalidValue saying which name is wrong and why
   */
  static List<FunctionName> parseList(String text) {
    List<FunctionName> names = new ArrayList<>();
    if (text.isBlank()) {
      return List.of();
    }
    int at = 0;
    int n = text.length();
    while (true) {
      int itemStart = at;
      String[] parts = new String[2];
      int partCount = 0;
      while (true) {
        at = skipSpaces(text, at);
        int partStart = at;
        String part;
        if (at < n && text.charAt(at) == '"') {
          int close = text.indexOf('"', at + 1);
          if (close < 0) {
            throw new Setting.InvalidValue("unclosed '\"' in " + item(text, itemStart));
          }
          part = text.substring(at + 1, close);
          if (part.isEmpty()) {
            throw new Setting.InvalidValue("empty quoted name in " + item(text, itemStart));
          }
          at = close + 1;
        } else {
          while (at < n && isNameChar(text.charAt(at), at == partStart)) {
            at++;
          }
          part = text.substring(partStart, at);
          if (part.isEmpty()) {
            throw new Setting.InvalidValue(problemAt(text, itemStart, at));
          }
        }
        if (partCount == 2) {
          throw new Setting.InvalidValue(
              "too many dots in " + item(text, itemStart) + ": expected 'name' or 'schema.name'");
        }
        parts[partCount++] = part;
        at = skipSpaces(text, at);
        if (at < n && text.charAt(at) == '.') {
          at++;
          continue;
        }
        break;
      }
      if (at < n && text.charAt(at) != ',') {
        throw new Setting.InvalidValue(problemAt(text, itemStart, at));
      }
      names.add(
          partCount == 1 ? new FunctionName(null, parts[0]) : new FunctionName(parts[0], parts[1]));
      if (at >= n) {
        return Collections.unmodifiableList(names);
      }
      at++; // the comma
    }
  }

  private static String problemAt(String text, int itemStart, int at) {
    if (at >= text.length() || text.charAt(at) == ',') {
      return itemStart == at || text.substring(itemStart, at).isBlank()
          ? "empty name at position " + (at + 1) + " (two commas in a row, or one at an end?)"
          : "a name is missing in " + item(text, itemStart);
    }
    char c = text.charAt(at);
    if (!text.substring(itemStart, at).isBlank() && Character.isWhitespace(text.charAt(at - 1))) {
      return "a space inside "
          + item(text, itemStart)
          + ": separate names with commas, double-quote a name that holds spaces";
    }
    String hint =
        c == '('
            ? ": give names only, without parentheses or argument types"
            : ": double-quote a name that holds other characters";
    return "illegal character '" + c + "' in " + item(text, itemStart) + hint;
  }

  /** The comma-separated item starting at {@code from}, for messages. */
  private static String item(String text, int from) {
    int comma = text.indexOf(',', from);
    return "[" + text.substring(from, comma < 0 ? text.length() : comma).trim() + "]";
  }

  private static int skipSpaces(String text, int at) {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
    return at;
  }

  private static boolean isNameChar(char c, boolean first) {
    if (c == '_' || Character.isLetter(c)) {
      return true;
    }
    return !first && (c == '$' || Character.isDigit(c));
  }

  @Override
  public String toString() {
    return schema == null ? name : schema + "." + name;
  }
}
