package dev.balanced.servlet.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real embedded Jetty 12 (EE10, Servlet 6) on a free loopback port, with a small thread pool, for
 * tests that send real HTTP requests.
 *
 * <pre>{@code
 * try (JettyServer jetty = JettyServer.builder()
 *     .filter(BalancedFilter.builder().build())
 *     .servlet("/read", new ReadServlet())
 *     .start()) {
 *   httpClient.send(HttpRequest.newBuilder(jetty.uri("/read")).build(), ofString());
 * }
 * }</pre>
 */
public final class JettyServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final String contextPath;

  private JettyServer(Server server, ServerConnector connector, String contextPath) {
    this.server = server;
    this.connector = connector;
    this.contextPath = contextPath;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:<port><context path><path>}. */
  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + contextPath + pathAndQuery);
  }

  public int port() {
    return connector.getLocalPort();
  }

  public String contextPath() {
    return contextPath;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    }
  }

  public static final class Builder {
    private final List<FilterHolder> filters = new ArrayList<>();
    private final Map<String, ServletHolder> servlets = new LinkedHashMap<>();
    private String contextPath = "";
    private int maxThreads = 8;

    private Builder() {}

    /** The web application's context path: "" (root, default) or "/name". */
    public Builder contextPath(String contextPath) {
      this.contextPath = contextPath;
      return this;
    }

    /** Jetty's thread pool size (default 8), acceptor and selector included. */
    public Builder maxThreads(int maxThreads) {
      this.maxThreads = maxThreads;
      return this;
    }

    /** A filter on /* for REQUEST dispatches, in the order added (the first is outermost). */
    public Builder filter(Filter filter) {
      return filter(new FilterHolder(filter));
    }

    /** A filter by class and init-params (as web.xml would give it), on /*. */
    public Builder filter(Class<? extends Filter> filterClass, Map<String, String> initParams) {
      FilterHolder holder = new FilterHolder(filterClass);
      holder.setInitParameters(initParams);
      return filter(holder);
    }

    public Builder filter(FilterHolder holder) {
      filters.add(holder);
      return this;
    }

    /** A servlet instance mapped to {@code pathSpec}, named after its class and path. */
    public Builder servlet(String pathSpec, Servlet servlet) {
      servlets.put(
          pathSpec, new ServletHolder(servlet.getClass().getSimpleName() + pathSpec, servlet));
      return this;
    }

    public JettyServer start() {
      QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(2, maxThreads));
      pool.setName("jetty-test");
      pool.setReservedThreads(0);
      Server server = new Server(pool);
      ServerConnector connector = new ServerConnector(server, 1, 1);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler context =
          new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
      for (FilterHolder holder : filters) {
        context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
      }
      servlets.forEach((path, holder) -> context.addServlet(holder, path));
      server.setHandler(context);
      try {
        server.start();
      } catch (Exception e) {
        try {
          server.stop();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
        throw new IllegalStateException("Jetty did not start", e);
      }
      if (!context.isAvailable()) {
        try {
          server.stop();
        } catch (Exception ignored) {
          // reported below
        }
        throw new IllegalStateException(
            "The web application did not start (a filter or servlet failed init)");
      }
      return new JettyServer(server, connector, contextPath);
    }
  }
}
