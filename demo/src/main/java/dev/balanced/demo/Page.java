package dev.balanced.demo;

import dev.balanced.PinningContext;
import dev.balanced.servlet.BalancedFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;

/** The layout of every page, with the panel that shows how the page was served. */
final class Page {
  private Page() {}

  static void render(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String title,
      String body,
      QueryLog log,
      String database)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/html;charset=UTF-8");
    PrintWriter out = response.getWriter();
    out.println("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.println("<title>" + Html.escape(title) + " - Anonymous Message Server</title>");
    out.println(
        "<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}"
            + "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;"
            + "text-align:left}th{background:#eee}.message{font-size:1.3rem;padding:1rem;"
            + "background:#f5f5dc}.primary{color:#a00}.replica{color:#070}"
            + "textarea{width:100%}</style></head><body>");
    out.println("<h1><a href=\"/\">Anonymous Message Server</a></h1>");
    out.println(body);
    out.println("<h2>How this page was served</h2>");
    out.println("<p id=\"database\">" + Html.escape(database) + "</p>");
    out.println(
        "<table id=\"queries\"><tr><th>query</th><th>node</th><th>why</th><th>result</th></tr>");
    for (QueryLog.Entry entry : log.entries()) {
      String css = entry.node().equals("primary") ? "primary" : "replica";
      out.println(
          "<tr><td>"
              + Html.escape(entry.query())
              + "</td><td class=\""
              + css
              + "\">"
              + Html.escape(entry.node())
              + "</td><td>"
              + Html.escape(entry.reason())
              + "</td><td>"
              + Html.escape(entry.result())
              + "</td></tr>");
    }
    out.println("</table>");
    PinningContext context = PinningContext.current();
    String pinned =
        context != null && context.isPinned()
            ? "pinned to the primary: " + context.pinReason()
            : "not pinned";
    String forced = BalancedFilter.primaryReason(request);
    String token = BalancedFilter.tokenSource(request);
    out.println("<ul id=\"request\">");
    out.println("<li id=\"pinned\">This request: " + Html.escape(pinned) + "</li>");
    if (forced != null) {
      out.println("<li>Forced to the primary by " + Html.escape(forced) + "</li>");
    }
    out.println(
        "<li id=\"token\">Consistency token: "
            + Html.escape(token == null ? "none came with this request" : "came in a " + token)
            + "</li>");
    out.println("</ul>");
    out.println(
        "<p><small>Add <code>?m=1</code> to any address to force the primary for that request."
            + " Open the page in a private window to see what a visitor without your token"
            + " sees.</small></p>");
    out.println("</body></html>");
  }
}
