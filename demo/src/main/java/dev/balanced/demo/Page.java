package dev.balanced.demo;

import dev.balanced.PinningContext;
import dev.balanced.servlet.BalancedFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The layout of every page: what to try, the page's own content, and the panel that shows how the
 * page was served, with each routing word explained where it appears.
 */
final class Page {
  private Page() {}

  static void render(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String title,
      String body,
      QueryLog log,
      DemoDatabase db)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/html;charset=UTF-8");
    long lag = db.lag().toSeconds();
    PrintWriter out = response.getWriter();
    out.println("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.println("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    out.println("<title>" + Html.escape(title) + " · Anonymous Message Server</title>");
    out.println("<link rel=\"stylesheet\" href=\"" + Stylesheet.PATH + "\">");
    out.println("<link rel=\"icon\" href=\"data:,\"></head><body>");
    out.println("<header class=\"masthead\"><div class=\"wrap\">");
    out.println("<h1><a href=\"/\">Anonymous Message Server</a></h1>");
    out.println(
        "<p class=\"tagline\">A Balanced demo: reads go to a replica, writes to the primary,"
            + " and you see what you wrote.</p></div></header>");
    out.println("<main class=\"wrap\">");
    out.println(
        "<p id=\"try\" class=\"try\"><strong>Try it:</strong> leave a message, then open this"
            + " page in a private window: it shows up there "
            + lag
            + " s later."
            + (db.failover() == null
                ? ""
                : " Or <a href=\"#failover\">fail the primary over</a>: reads go on, writes fail"
                    + " until a standby is promoted, then go to it.")
            + "</p>");
    out.println(body);
    out.println("<section class=\"card served\" id=\"served\">");
    out.println("<h2>How this page was served</h2>");
    out.println(
        "<p class=\"legend\"><span class=\"node primary\">primary</span> the database every write"
            + " goes to &nbsp;·&nbsp; "
            + legend(db.replicaNames(), lag)
            + "</p>");
    if (log.entries().isEmpty()) {
      out.println("<p id=\"queries\" class=\"none\">This page ran no query.</p>");
    } else {
      queries(out, log);
    }

    PinningContext context = PinningContext.current();
    String pinned =
        context != null && context.isPinned()
            ? "pinned to the primary: " + context.pinReason()
            : "not pinned";
    String forced = BalancedFilter.primaryReason(request);
    String token = BalancedFilter.tokenSource(request);
    out.println("<dl id=\"request\" class=\"facts\">");
    out.println(
        "<dt>Pin</dt><dd><span id=\"pinned\">This request: "
            + Html.escape(pinned)
            + "</span><span class=\"explain\">"
            + Html.escape(Words.PIN)
            + "</span></dd>");
    if (forced != null) {
      out.println("<dt>Primary</dt><dd>Forced to the primary by " + Html.escape(forced) + "</dd>");
    }
    out.println(
        "<dt>Token</dt><dd><span id=\"token\">Consistency token: "
            + Html.escape(token == null ? "none came with this request" : "came in a " + token)
            + "</span><span class=\"explain\">"
            + Html.escape(Words.TOKEN)
            + "</span></dd>");
    out.println("</dl></section>");
    ClusterPanel.render(out, db.activity(), db);
    if (db.failover() != null) {
      FailoverPanel.render(out, db.failover());
    }
    out.println("</main>");
    out.println("<footer class=\"wrap\">");
    out.println("<p id=\"database\">Running on " + Html.escape(db.description()) + ".</p>");
    out.println(
        "<p>Add <code>?m=1</code> to any address to read from the primary for that request.</p>");
    out.println("</footer></body></html>");
  }

  /**
   * The nodes besides the primary: H2's one replica, or the PostgreSQL servers, any of which may be
   * the primary.
   */
  private static String legend(List<String> names, long lag) {
    if (names.size() == 1) {
      return "<span class=\"node replica\">"
          + Html.escape(names.get(0))
          + "</span> a replica: a copy of the primary that gets each write "
          + lag
          + " s late";
    }
    StringBuilder legend = new StringBuilder();
    for (String name : names) {
      legend.append("<span class=\"node replica\">").append(Html.escape(name)).append("</span> ");
    }
    return legend
        + "the PostgreSQL servers: the one that is the primary now takes the writes, the others"
        + " are standbys, copies of it that get each write "
        + lag
        + " s late";
  }

  /** Each query of the page, the node that served it and why, each word explained once. */
  private static void queries(PrintWriter out, QueryLog log) {
    out.println(
        "<table id=\"queries\"><thead><tr><th class=\"query\">query</th><th>node</th>"
            + "<th>why</th><th class=\"result\">result</th></tr></thead><tbody>");
    Set<String> explained = new HashSet<>();
    for (QueryLog.Entry entry : log.entries()) {
      String css = entry.node().equals("primary") ? "primary" : "replica";
      // Each word is explained where it first appears.
      String explanation = explained.add(entry.reason()) ? Words.reason(entry.reason()) : "";
      out.println(
          "<tr><td>"
              + Html.escape(entry.query())
              + "</td><td><span class=\"node "
              + css
              + "\">"
              + Html.escape(entry.node())
              + "</span></td><td><code class=\"reason\">"
              + Html.escape(entry.reason())
              + "</code>"
              + (explanation.isEmpty()
                  ? ""
                  : "<span class=\"explain\">" + Html.escape(explanation) + "</span>")
              + "</td><td class=\"result\">"
              + Html.escape(entry.result())
              + "</td></tr>");
    }
    out.println("</tbody></table>");
  }
}
