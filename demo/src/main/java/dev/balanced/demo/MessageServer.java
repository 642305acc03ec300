package dev.balanced.demo;

import java.util.concurrent.CountDownLatch;

/**
 * The Anonymous Message Server (seed 002): a page shows the message the previous visitor left and
 * lets you leave one for the next; every page shows which node served each of its queries and why.
 *
 * <pre>
 * ./mvnw -q -pl demo -am test-compile exec:java                          # H2, no set-up
 * ./mvnw -q -pl demo -am test-compile exec:java -Dexec.args=--postgres   # real PostgreSQL + standbys
 * </pre>
 *
 * Options: {@code --postgres} (start a PostgreSQL primary and two hot standbys in a temp dir, with
 * buttons that fail the primary over and bring it back; needs PostgreSQL binaries, installed or
 * from Maven Central), {@code --port N} (default 8080; 0 picks a free port). Ctrl-C stops it and
 * removes what it started.
 */
public final class MessageServer {
  private MessageServer() {}

  public static void main(String[] args) throws Exception {
    boolean postgres = false;
    int port = 8080;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--postgres" -> postgres = true;
        case "--port" -> {
          if (i + 1 >= args.length) {
            usage("--port needs a number");
          }
          port = parsePort(args[++i]);
        }
        case "--help", "-h" -> usage(null);
        default -> usage("unknown option " + args[i]);
      }
    }
    if (System.getProperty("org.jboss.logging.provider") == null) {
      // Hibernate's own logging through SLF4J, whose configuration keeps it to warnings.
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
    System.out.println(
        postgres
            ? "Starting PostgreSQL (primary + 2 hot standbys)..."
            : "Starting H2 primary + replica...");
    DemoDatabase db = postgres ? DemoDatabase.postgres() : DemoDatabase.h2();
    WebApp web;
    try {
      web = WebApp.start(db, port);
    } catch (Exception e) {
      db.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Stopping...");
                  try (db;
                      web) {
                    // closes the web server first, then the databases
                  } catch (Exception e) {
                    System.err.println("While stopping: " + e);
                  }
                  stopped.countDown();
                },
                "demo-shutdown"));
    System.out.println();
    System.out.println("Anonymous Message Server on " + db.description());
    System.out.println("Open http://127.0.0.1:" + web.port() + "/   (Ctrl-C stops it)");
    stopped.await();
  }

  private static int parsePort(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port < 0 || port > 65535) {
        usage("--port must be between 0 and 65535, not " + text);
      }
      return port;
    } catch (NumberFormatException e) {
      usage("--port must be a number, not " + text);
      return -1;
    }
  }

  private static void usage(String problem) {
    if (problem != null) {
      System.err.println(problem);
    }
    System.err.println("Usage: MessageServer [--postgres] [--port N]");
    System.exit(problem == null ? 0 : 2);
  }
}
