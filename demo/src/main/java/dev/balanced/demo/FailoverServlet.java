package dev.balanced.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code POST /failover} ({@code --postgres}): {@code action=failover} fails the primary over,
 * {@code action=rejoin} brings the old primary back as a standby. Either starts in the background
 * and redirects to the home page, whose failover card shows how it goes.
 */
final class FailoverServlet extends HttpServlet {
  static final String PATH = "/failover";

  private final transient DemoDatabase db;

  FailoverServlet(DemoDatabase db) {
    this.db = db;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    FailoverControl control = db.failover();
    String action = request.getParameter("action");
    boolean started;
    String refusal;
    if ("failover".equals(action)) {
      started = control.failOver();
      refusal =
          "The primary cannot be failed over now: a step is under way, or the old primary has not"
              + " come back yet.";
    } else if ("rejoin".equals(action)) {
      started = control.rejoin();
      refusal = "There is no old primary to bring back now, or a step is under way.";
    } else {
      started = false;
      refusal = "Unknown action.";
    }
    if (!started) {
      Page.render(
          request,
          response,
          409,
          "Not now",
          "<div id=\"error\" class=\"notice stale\" role=\"alert\"><strong>"
              + Html.escape(refusal)
              + "</strong><span class=\"explain\"><a href=\"/#failover\">Back to the"
              + " board</a></span></div>",
          new QueryLog(),
          db);
      return;
    }
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", "/#failover");
  }
}
