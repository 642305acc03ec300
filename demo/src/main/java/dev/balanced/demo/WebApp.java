package dev.balanced.demo;

import dev.balanced.servlet.BalancedFilter;
import jakarta.servlet.DispatcherType;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The demo's embedded Jetty: the pages and their stylesheet behind Balanced's filter. */
final class WebApp implements AutoCloseable {
  private final Server server;

  private WebApp(Server server) {
    this.server = server;
  }

  /**
   * Starts on {@code 127.0.0.1:port} (0: any free port). Loopback only: this toy must not face the
   * internet.
   */
  static WebApp start(DemoDatabase db, int port) throws Exception {
    Server server = new Server(new InetSocketAddress("127.0.0.1", port));
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder("home", new BoardServlets.Home(db)), "");
    context.addServlet(new ServletHolder("messages", new BoardServlets.Messages(db)), "/messages");
    context.addServlet(new ServletHolder("stylesheet", new Stylesheet()), Stylesheet.PATH);
    if (db.failover() != null) {
      context.addServlet(
          new ServletHolder("failover", new FailoverServlet(db)), FailoverServlet.PATH);
    }
    // The token cookie lives as long as the token it holds can matter, which core decides.
    BalancedFilter filter = BalancedFilter.builder().masterParam("m").build();
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    return new WebApp(server);
  }

  int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
