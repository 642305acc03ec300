package dev.balanced.demo;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * The "fail the primary over" card ({@code --postgres}): each server and what it is now, the button
 * that fails the primary over or the one that brings the old primary back, and what they did.
 */
final class FailoverPanel {
  private static final ZoneId ZONE = ZoneId.systemDefault();

  private FailoverPanel() {}

  static void render(PrintWriter out, FailoverControl control) {
    out.println("<section class=\"card failover\" id=\"failover\">");
    out.println("<h2>Fail the primary over</h2>");
    out.println(
        "<table id=\"servers\"><thead><tr><th>server</th><th>port</th><th>is now</th></tr>"
            + "</thead><tbody>");
    for (FailoverControl.Server server : control.servers()) {
      boolean primary = server.timeline() > 0;
      out.println(
          "<tr data-server=\""
              + Html.escape(server.name())
              + "\"><td><span class=\"node "
              + (primary ? "primary" : "replica")
              + "\">"
              + Html.escape(server.name())
              + "</span></td><td>"
              + server.port()
              + "</td><td class=\"role\">"
              + Html.escape(server.role())
              + (primary ? ", timeline " + server.timeline() : "")
              + "</td></tr>");
    }
    out.println("</tbody></table>");
    if (control.canFailOver()) {
      out.println(
          "<form method=\"post\" action=\""
              + FailoverServlet.PATH
              + "\"><input type=\"hidden\" name=\"action\" value=\"failover\">"
              + "<button type=\"submit\" id=\"fail-over\">Fail over</button></form>");
      out.println(
          "<p class=\"explain\">Crashes "
              + Html.escape(control.primary())
              + ", the primary, then promotes the standby that has the most of its WAL and points"
              + " the other standby at it, as Patroni would. Meanwhile reads go on on the standbys"
              + " and writes fail at once; Balanced, which asks every server whether it is the"
              + " primary, sends writes to the promoted one as soon as it sees it.</p>");
    } else if (control.canRejoin()) {
      out.println(
          "<form method=\"post\" action=\""
              + FailoverServlet.PATH
              + "\"><input type=\"hidden\" name=\"action\" value=\"rejoin\">"
              + "<button type=\"submit\" id=\"rejoin\">Bring back the old primary as a standby"
              + "</button></form>");
      out.println(
          "<p class=\"explain\">Makes "
              + Html.escape(control.formerPrimaryName())
              + " follow the new primary's history (pg_rewind, or a fresh copy) and starts it as"
              + " a standby of "
              + Html.escape(control.primary())
              + ": reads spread over it again.</p>");
    } else {
      out.println(
          "<p id=\"under-way\" class=\"explain\">Under way: reload the page to follow it.</p>");
    }
    List<FailoverControl.Step> steps = control.steps();
    if (!steps.isEmpty()) {
      Instant now = Instant.now();
      out.println("<ol id=\"steps\" class=\"steps\">");
      for (FailoverControl.Step step : steps) {
        out.println(
            "<li"
                + (step.failed() ? " class=\"failed\"" : "")
                + "><span class=\"meta\">"
                + HumanTime.html(step.at(), now, ZONE)
                + "</span> "
                + Html.escape(step.text())
                + "</li>");
      }
      out.println("</ol>");
    }
    out.println("</section>");
  }
}
