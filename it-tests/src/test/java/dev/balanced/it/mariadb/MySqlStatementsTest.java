package dev.balanced.it.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.it.replication.BalancedFactory;
import dev.balanced.it.replication.MariaDatabase;
import dev.balanced.testing.mariadb.MariaCluster;
import dev.balanced.testing.mariadb.MariaDbCluster;
import jakarta.persistence.EntityManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * MySQL's statements that only mean something on the primary go there, and the harmless ones do not
 * pin, on a real MariaDB primary and two replicas, through plain JDBC on Balanced's connection.
 */
@MariaDbCluster(replicas = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlStatementsTest {
  private final BalancedFactory db;

  MySqlStatementsTest(MariaCluster cluster) {
    db =
        BalancedFactory.start(
            new MariaDatabase(cluster, MariaDatabase.Driver.MARIADB),
            Map.of("hibernate.balanced.replica_selector", "round_robin"));
  }

  @AfterAll
  void stop() {
    db.close();
  }

  /** Runs {@code sql} on the entity manager's connection; the first column of each row. */
  private static List<String> run(EntityManager em, String sql) {
    List<String> values = new ArrayList<>();
    em.unwrap(Session.class)
        .doWork(
            connection -> {
              try (Statement statement = connection.createStatement()) {
                if (statement.execute(sql)) {
                  try (ResultSet rs = statement.getResultSet()) {
                    while (rs.next()) {
                      values.add(rs.getString(1));
                    }
                  }
                }
              }
            });
    return values;
  }

  /** A lock taken on a replica excludes nothing: two sessions would both "hold" it. */
  @Test
  void namedLocksAreTakenOnThePrimary() {
    try (EntityManager first = db.emf.createEntityManager();
        EntityManager second = db.emf.createEntityManager()) {
      assertEquals(List.of("1"), run(first, "select get_lock('job', 0)"));
      assertEquals(List.of("0"), run(second, "SELECT GET_LOCK('job', 0)"), "held by the first");
      assertEquals(
          db.database.port("primary"), db.serverPort(first), "the lock pinned its session");
      run(first, "DO RELEASE_LOCK('job')");
      assertEquals(List.of("1"), run(second, "select get_lock('job', 0)"), "released");
      run(second, "select release_all_locks()");
    }
  }

  @Test
  void sessionVariablesDescriptionsAndDoDoNotPin() {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin(); // one connection for all of it
      assertTrue(db.readsFromReplica(em));
      run(em, "SET @x = 41");
      run(em, "# a comment MySQL's way\nSHOW TABLES");
      run(em, "DESCRIBE Account");
      run(em, "DO 1");
      assertTrue(db.readsFromReplica(em), "nothing above pins");
      assertEquals(List.of("42"), run(em, "select @x + 1"), "the variable is where reads are");
      em.getTransaction().commit();
    }
  }

  @Test
  void resultsIntoVariablesGoToThePrimary() {
    try (EntityManager em = db.emf.createEntityManager()) {
      assertTrue(db.readsFromReplica(em));
      run(em, "select count(*) into @n from Account");
      assertFalse(db.readsFromReplica(em), "INTO @n ran on the primary and pinned");
      assertEquals(List.of("0"), run(em, "select @n"));
    }
  }
}
