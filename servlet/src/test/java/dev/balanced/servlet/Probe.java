package dev.balanced.servlet;

import dev.balanced.PinningContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * Test servlets: each reports, as {@code key=value} lines, which node served its read and what the
 * filter told it (reason, token source, whether the context it runs in is the filter's, what it
 * sees of the parameters).
 */
final class Probe {
  private Probe() {}

  /** The report of one request, after the servlet's own database work. */
  static void report(HttpServletRequest req, HttpServletResponse resp, String node)
      throws IOException {
    PinningContext current = PinningContext.current();
    Object filterContext = req.getAttribute(BalancedFilter.CONTEXT_ATTRIBUTE);
    List<String> names = Collections.list(req.getParameterNames());
    Collections.sort(names);
    resp.setContentType("text/plain;charset=utf-8");
    resp.setHeader("X-Node", node); // for HEAD requests, which have no body
    resp.setHeader("X-Reason", String.valueOf(BalancedFilter.primaryReason(req)));
    PrintWriter out = resp.getWriter();
    out.println("node=" + node);
    out.println("reason=" + BalancedFilter.primaryReason(req));
    out.println("tokenSource=" + BalancedFilter.tokenSource(req));
    out.println("contextOk=" + (current != null && current == filterContext));
    out.println("pinned=" + (current != null && current.isPinned()));
    out.println("pinReason=" + (current == null ? null : current.pinReason()));
    out.println("m=" + req.getParameter("m"));
    out.println("mValues=" + (req.getParameterValues("m") == null ? "null" : "present"));
    out.println("fresh=" + req.getParameter("fresh"));
    out.println("names=" + String.join(",", names));
    out.println("mapKeys=" + String.join(",", new TreeSet<>(req.getParameterMap().keySet())));
    out.println("query=" + req.getQueryString());
    out.println("thread=" + Thread.currentThread().getName());
  }

  /** GET reads; POST writes, then reads (from the primary: the write pinned the request). */
  static class ReadWriteServlet extends HttpServlet {
    final WebCluster cluster;

    ReadWriteServlet(WebCluster cluster) {
      this.cluster = cluster;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      try {
        report(req, resp, cluster.read());
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      try {
        cluster.write();
        report(req, resp, cluster.read());
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }
  }

  /** GET and POST only read. */
  static class ReadOnlyServlet extends ReadWriteServlet {
    ReadOnlyServlet(WebCluster cluster) {
      super(cluster);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      doGet(req, resp);
    }
  }

  /** Every request of this servlet reads from the primary. */
  @UsePrimary
  static class PrimaryClassServlet extends ReadWriteServlet {
    PrimaryClassServlet(WebCluster cluster) {
      super(cluster);
    }
  }

  /** Inherits {@code @UsePrimary} from its superclass. */
  static class InheritingServlet extends PrimaryClassServlet {
    InheritingServlet(WebCluster cluster) {
      super(cluster);
    }
  }

  /** POST (which only reads here) uses the primary; GET does not. */
  static class PrimaryPostServlet extends HttpServlet {
    final WebCluster cluster;

    PrimaryPostServlet(WebCluster cluster) {
      this.cluster = cluster;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      try {
        report(req, resp, cluster.read());
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }

    @UsePrimary
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      doGet(req, resp);
    }
  }

  /** GET (and so HEAD, which HttpServlet runs through doGet) uses the primary. */
  static class PrimaryGetServlet extends ReadOnlyServlet {
    PrimaryGetServlet(WebCluster cluster) {
      super(cluster);
    }

    @UsePrimary
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      super.doGet(req, resp);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      super.doGet(req, resp); // not annotated itself
    }
  }

  /** Opens a context of its own, pins it, and never closes it (an application bug). */
  static class CarelessServlet extends ReadWriteServlet {
    CarelessServlet(WebCluster cluster) {
      super(cluster);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      PinningContext.open().pin();
      super.doGet(req, resp);
    }
  }
}
