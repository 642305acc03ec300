package dev.balanced.example;

import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted workload that prints which node served each query. The primary and two replicas are
 * separate in-memory H2 databases configured in {@code META-INF/persistence.xml}; since H2 does not
 * replicate, the example copies rows to the replicas itself at the step marked "replication", so
 * the lag a real standby has is visible until then.
 */
public final class RoutingExample {
  private static final String[] REPLICAS = {"replica1", "replica2"};

  private final EntityManagerFactory emf;
  private final PrintStream out;
  private int step;

  RoutingExample(EntityManagerFactory emf, PrintStream out) {
    this.emf = emf;
    this.out = out;
  }

  public static void main(String[] args) throws SQLException {
    // Route Hibernate's own logging through SLF4J, whose simplelogger.properties keeps it to
    // warnings.
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
    run(System.out);
  }

  /** Runs the workload, printing to {@code out}. */
  public static void run(PrintStream out) throws SQLException {
    EntityManagerFactory emf = Persistence.createEntityManagerFactory("balanced-example");
    try {
      replicateSchema();
      new RoutingExample(emf, out).workload();
    } finally {
      emf.close();
    }
  }

  private void workload() throws SQLException {
    out.println("Balanced example: a primary and two replicas (separate in-memory H2 databases).");
    out.println("Each line: the query, the node that served it, and what it saw.");
    out.println();

    request(
        "visitor A reads the board",
        em -> {
          list(em);
        });
    request(
        "visitor A leaves a message",
        em -> {
          list(em);
          em.getTransaction().begin();
          em.persist(new Message("Hello from visitor A"));
          log(em, "persist(Message)", "write intent: the request is now pinned to the primary");
          em.getTransaction().commit();
          list(em);
        });
    request(
        "visitor B reads the board right away",
        em -> {
          list(em);
          out.println("      (the replica has not received the message yet: replication lag)");
        });
    request(
        "visitor B insists on fresh data",
        em -> {
          try (BalancedSession.Scope primary =
              em.unwrap(BalancedSession.class).usingEngine("primary")) {
            list(em);
          }
          list(em);
        });
    out.println("-- replication: the example copies the primary's rows to the replicas --");
    replicateRows();
    request(
        "visitor C reads the board",
        em -> {
          list(em);
        });
    request(
        "visitor C pins first, then reads and writes",
        em -> {
          em.unwrap(BalancedSession.class).pin();
          list(em);
          em.getTransaction().begin();
          em.persist(new Message("Hello from visitor C"));
          log(em, "persist(Message)", "already pinned");
          em.getTransaction().commit();
        });
  }

  private interface Work {
    void run(EntityManager em) throws SQLException;
  }

  /** One web request: its own pinning context and entity manager. */
  private void request(String title, Work work) throws SQLException {
    out.println("Request " + (++step) + ": " + title);
    try (PinningContext request = PinningContext.open();
        EntityManager em = emf.createEntityManager()) {
      work.run(em);
    }
    out.println();
  }

  private void list(EntityManager em) {
    BalancedSession balanced = em.unwrap(BalancedSession.class);
    String node = balanced.currentEngine();
    long count = em.createQuery("select count(m) from Message m", Long.class).getSingleResult();
    String servedBy =
        ((String) em.createNativeQuery("select database()").getSingleResult())
            .toLowerCase(java.util.Locale.ROOT)
            .replace("example-", "");
    log(
        em,
        "select count(m) from Message m",
        "served by "
            + servedBy
            + (servedBy.equals(node) ? "" : " (expected " + node + "!)")
            + ", sees "
            + count
            + (count == 1 ? " message" : " messages")
            + (balanced.isPinned() ? ", pinned" : ""));
  }

  private void log(EntityManager em, String what, String result) {
    out.printf(
        "  %-34s -> %-8s  %s%n", what, em.unwrap(BalancedSession.class).currentEngine(), result);
  }

  /** Copies the schema Hibernate created on the primary to the replicas, as replication would. */
  private static void replicateSchema() throws SQLException {
    List<String> ddl = new ArrayList<>();
    try (Connection primary = connect("primary");
        Statement s = primary.createStatement();
        ResultSet script = s.executeQuery("script nodata nopasswords nosettings")) {
      while (script.next()) {
        String statement = script.getString(1);
        if (statement.startsWith("CREATE") && !statement.startsWith("CREATE USER")) {
          ddl.add(statement);
        }
      }
    }
    for (String replica : REPLICAS) {
      try (Connection c = connect(replica);
          Statement s = c.createStatement()) {
        s.execute("drop all objects");
        for (String statement : ddl) {
          s.execute(statement);
        }
      }
    }
  }

  /** Copies the primary's messages to the replicas: replication catching up. */
  private static void replicateRows() throws SQLException {
    for (String replica : REPLICAS) {
      try (Connection from = connect("primary");
          Connection to = connect(replica);
          Statement read = from.createStatement();
          ResultSet rows = read.executeQuery("select id, postedAt, text from Message");
          PreparedStatement write =
              to.prepareStatement(
                  "merge into Message (id, postedAt, text) key (id) values (?, ?, ?)")) {
        while (rows.next()) {
          write.setLong(1, rows.getLong(1));
          write.setObject(2, rows.getObject(2));
          write.setString(3, rows.getString(3));
          write.executeUpdate();
        }
      }
    }
  }

  private static Connection connect(String node) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:h2:mem:example-" + node + ";DB_CLOSE_DELAY=-1", "sa", "");
  }
}
