package dev.balanced.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a person reads on a page: its text without markup, in one line per block. */
final class SeenText {
  private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL);

  private SeenText() {}

  /** The page's text as a reader sees it: no tags, entities decoded, blanks collapsed. */
  static String of(String html) {
    String body = html.substring(Math.max(0, html.indexOf("<body")));
    return decode(body.replaceAll("<[^>]*>", " ")).replaceAll("\\s+", " ").strip();
  }

  /** Each row of the "How this page was served" table, as its text reads. */
  static List<String> servedRows(String html) {
    int table = html.indexOf("<table id=\"queries\">");
    if (table < 0) {
      return List.of();
    }
    String rows = html.substring(table, html.indexOf("</table>", table));
    List<String> seen = new ArrayList<>();
    Matcher row = ROW.matcher(rows);
    while (row.find()) {
      if (!row.group(1).contains("<th")) {
        seen.add(of(row.group(1)));
      }
    }
    return seen;
  }

  private static String decode(String text) {
    return text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }
}
