package dev.balanced.demo;

import dev.balanced.events.NodeState;
import dev.balanced.events.NodeStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The "cluster right now" card: each node's state and lag, its share of reads in the last minute,
 * and a chart of reads per second over the last minutes, drawn as inline SVG (no script, nothing
 * fetched from elsewhere).
 */
final class ClusterPanel {
  private ClusterPanel() {}

  static final int MINUTE = 60;
  private static final int CHART_SECONDS = ClusterActivity.WINDOW_SECONDS;
  private static final int BIN_SECONDS = 5;
  private static final int WIDTH = 600;
  private static final int HEIGHT = 120;

  static void render(PrintWriter out, ClusterActivity activity, DemoDatabase db) {
    List<String> nodes = activity.nodes();
    if (nodes.isEmpty()) {
      return;
    }
    List<NodeStatus> health = activity.health();
    long total = 0;
    long[] lastMinute = new long[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      lastMinute[i] = sum(activity.readsPerSecond(nodes.get(i), MINUTE));
      total += lastMinute[i];
    }
    out.println("<section class=\"card cluster\" id=\"cluster\">");
    out.println("<h2>The cluster right now</h2>");
    out.println(
        "<table id=\"nodes\"><thead><tr><th>node</th><th>state</th><th>behind</th>"
            + "<th>reads, last minute</th></tr></thead><tbody>");
    for (int i = 0; i < nodes.size(); i++) {
      String node = nodes.get(i);
      NodeStatus status = i < health.size() ? health.get(i) : null;
      String css = i == 0 ? "primary" : "replica";
      String state = status == null ? "?" : status.state().name().toLowerCase(Locale.ROOT);
      out.println(
          "<tr data-node=\""
              + Html.escape(node)
              + "\"><td><span class=\"node "
              + css
              + "\">"
              + Html.escape(node)
              + "</span></td><td><span class=\"state "
              + state
              + "\">"
              + state
              + "</span></td><td class=\"lag\">"
              + Html.escape(lag(i, node, status, db))
              + "</td><td class=\"reads\"><span class=\"count\">"
              + lastMinute[i]
              + "</span> ("
              + (total == 0 ? 0 : Math.round(100.0 * lastMinute[i] / total))
              + "%)</td></tr>");
    }
    out.println("</tbody></table>");
    chart(out, activity, nodes);
    out.println(
        "<p class=\"explain\">Each page view is a unit of work; it counts where its first read"
            + " went. Post a message: your next pages read from the primary until the replica has"
            + " your message, then from the replica again.</p>");
    out.println("</section>");
  }

  private static String lag(int index, String node, NodeStatus status, DemoDatabase db) {
    if (index == 0) {
      return "—";
    }
    if (db.failover() != null && node.equals(db.failover().primary())) {
      // A server that is the primary now: it is what the others are behind.
      return "— (the primary now)";
    }
    if (status != null && status.state() == NodeState.DOWN) {
      return "unreachable";
    }
    if (status != null && status.lagMillis() >= 0) {
      return String.format(Locale.ROOT, "%.1f s", status.lagMillis() / 1000.0);
    }
    return "copies writes " + db.lag().toSeconds() + " s late";
  }

  /** Reads per second of each node, averaged over 5 s bins, oldest left. */
  private static void chart(PrintWriter out, ClusterActivity activity, List<String> nodes) {
    int bins = CHART_SECONDS / BIN_SECONDS;
    double[][] rates = new double[nodes.size()][bins];
    double max = 1;
    for (int n = 0; n < nodes.size(); n++) {
      long[] perSecond = activity.readsPerSecond(nodes.get(n), CHART_SECONDS);
      for (int b = 0; b < bins; b++) {
        long sum = 0;
        for (int s = 0; s < BIN_SECONDS; s++) {
          sum += perSecond[b * BIN_SECONDS + s];
        }
        rates[n][b] = (double) sum / BIN_SECONDS;
        max = Math.max(max, rates[n][b]);
      }
    }
    out.println(
        "<figure><svg id=\"reads-chart\" viewBox=\"0 0 "
            + WIDTH
            + " "
            + (HEIGHT + 16)
            + "\" role=\"img\" aria-label=\"reads per second per node, last "
            + CHART_SECONDS / 60
            + " minutes\">");
    out.println(
        "<line class=\"axis\" x1=\"0\" y1=\""
            + HEIGHT
            + "\" x2=\""
            + WIDTH
            + "\" y2=\""
            + HEIGHT
            + "\"/>");
    for (int n = 0; n < nodes.size(); n++) {
      StringBuilder points = new StringBuilder();
      for (int b = 0; b < bins; b++) {
        double x = (double) b * WIDTH / (bins - 1);
        double y = HEIGHT - rates[n][b] / max * (HEIGHT - 8);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      out.println(
          "<polyline class=\"series "
              + (n == 0 ? "primary" : "replica")
              + "\" data-node=\""
              + Html.escape(nodes.get(n))
              + "\" points=\""
              + points.toString().trim()
              + "\"/>");
    }
    out.println(
        "<text x=\"0\" y=\""
            + (HEIGHT + 14)
            + "\">"
            + CHART_SECONDS / 60
            + " min ago</text><text x=\""
            + WIDTH
            + "\" y=\""
            + (HEIGHT + 14)
            + "\" text-anchor=\"end\">now</text>");
    out.println(
        "</svg><figcaption>Reads per second on each node (top: "
            + String.format(Locale.ROOT, "%.1f", max)
            + "/s)</figcaption></figure>");
  }

  private static long sum(long[] values) {
    long sum = 0;
    for (long value : values) {
      sum += value;
    }
    return sum;
  }
}
