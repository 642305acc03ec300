package dev.balanced.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.balanced.spi.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A settings table of a README (a Markdown table whose first column names settings in backticks,
 * the second their default and the third what they mean), checked against the {@link Setting}
 * declarations, so that documentation and code cannot drift apart.
 *
 * @param rows documented key to its row: default cell and meaning cell
 */
public record SettingsTable(Map<String, Row> rows) {

  /** One documented key: the default and meaning cells of its row. */
  public record Row(String defaultCell, String meaning) {}

  private static final Pattern AT_LEAST = Pattern.compile("at least (\\d+)");

  /**
   * Reads the table of {@code readme} whose header row starts with {@code headerStart}. A first
   * cell may name several keys, "`replicas.<name>.username`, `.password`": one starting with a dot
   * continues the prefix of the key before it.
   */
  public static SettingsTable read(Path readme, String headerStart) throws IOException {
    List<String> lines = Files.readAllLines(readme);
    int header = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(headerStart)) {
        header = i;
        break;
      }
    }
    if (header < 0) {
      fail(readme + " has no table starting with " + headerStart);
    }
    Map<String, Row> rows = new LinkedHashMap<>();
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String[] cells = lines.get(i).split("\\|", -1);
      String prefix = "";
      for (String named : cells[1].split(",")) {
        String key = named.trim().replace("`", "");
        if (key.startsWith(".")) {
          key = prefix + key.substring(1);
        } else {
          prefix = key.substring(0, key.lastIndexOf('.') + 1);
        }
        rows.put(key, new Row(cells[2].trim(), cells[3].trim()));
      }
    }
    return new SettingsTable(rows);
  }

  /**
   * Checks that {@code documentedKey} documents {@code setting}: the default cell is its default in
   * backticks, or, for a setting without default, not a value in backticks ("none", "required");
   * and the meaning states its minimum as "at least N" when that is above 0, and no other.
   */
  public void assertDocuments(String documentedKey, Setting<?> setting) {
    Row row = rows.get(documentedKey);
    if (row == null) {
      fail("the table does not document '" + documentedKey + "'; it has " + rows.keySet());
    }
    String defaultText = setting.defaultText();
    if (defaultText != null) {
      assertEquals(
          "`" + defaultText + "`",
          row.defaultCell(),
          "the documented default of '" + documentedKey + "'");
    } else {
      assertFalse(
          row.defaultCell().matches("`[^`]*`"),
          "'" + documentedKey + "' has no default, but the table gives " + row.defaultCell());
    }
    Matcher atLeast = AT_LEAST.matcher(row.meaning());
    Integer minimum = setting.minimum();
    if (minimum != null && minimum > 0) {
      assertTrue(
          atLeast.find() && Integer.parseInt(atLeast.group(1)) == minimum,
          "'" + documentedKey + "' accepts at least " + minimum + ", which the table must say");
    } else if (atLeast.find()) {
      fail(
          "the table says '"
              + documentedKey
              + "' must be at least "
              + atLeast.group(1)
              + ", but its minimum is "
              + minimum);
    }
  }

  /** The documented keys that {@code isDeclared} does not know. */
  public List<String> undeclared(java.util.function.Predicate<String> isDeclared) {
    List<String> unknown = new ArrayList<>();
    for (String key : rows.keySet()) {
      if (!isDeclared.test(key)) {
        unknown.add(key);
      }
    }
    return unknown;
  }
}
