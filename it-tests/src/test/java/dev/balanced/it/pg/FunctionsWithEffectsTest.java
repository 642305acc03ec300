package dev.balanced.it.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.UnpinnedWriteException;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PostgresCluster;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Queries that look like reads but call functions with effects, on a real primary and hot standby.
 * Each would run on the standby if the classifier took it for a read: there it fails ({@code
 * txid_current}, {@code pg_notify}, large objects, declared functions), or worse succeeds with its
 * effect in the wrong place (an advisory lock that excludes nothing on the primary, a setting the
 * primary's statements never see). Every statement runs through the session's routing connection,
 * as Hibernate's own would.
 */
@PostgresCluster(standbys = 1)
class FunctionsWithEffectsTest {
  private static final String WRITE_FUNCTIONS = "hibernate.balanced.write_functions";

  private PgBalanced db;

  private void start(PgCluster cluster, Map<String, Object> settings) throws SQLException {
    onPrimary(
        cluster,
        "create table if not exists archived(order_id bigint)",
        "create or replace function archive_order(id bigint) returns bigint language sql as"
            + " $$ insert into archived values (id) returning order_id $$",
        "create schema if not exists app",
        "create table if not exists app.counter(n int)",
        "create or replace function app.bump_counter() returns int language sql as"
            + " $$ insert into app.counter values (1) returning n $$",
        "create table if not exists tagged(id serial, tenant text default"
            + " current_setting('app.tenant', true))",
        "create extension if not exists dblink");
    db = PgBalanced.start(cluster, settings);
    cluster.waitForReplay(Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void anAdvisoryLockTakenThroughBalancedExcludesOtherSessionsOnThePrimary(PgCluster cluster)
      throws SQLException {
    start(cluster, Map.of());
    try (EntityManager em = db.emf.createEntityManager();
        Connection other = cluster.primary().connect()) {
      em.getTransaction().begin();
      assertTrue(PgBalanced.readsFromStandby(em), "the unit of work starts on the standby");
      scalar(em, "select pg_advisory_xact_lock(4201)");
      assertFalse(tryLock(other, 4201), "the lock is held on the primary, where others look");
      assertFalse(PgBalanced.readsFromStandby(em), "the lock pinned the unit of work");
      em.getTransaction().commit();
      assertTrue(tryLock(other, 4201), "the transaction's lock ended with it");
    }
  }

  @Test
  void anAdvisoryLockHeldOnThePrimaryIsSeenThroughBalanced(PgCluster cluster) throws SQLException {
    start(cluster, Map.of());
    try (Connection holder = cluster.primary().connect()) {
      scalar(holder, "select pg_advisory_lock(4202)");
      try (EntityManager em = db.emf.createEntityManager()) {
        em.getTransaction().begin();
        assertEquals("f", scalar(em, "select pg_try_advisory_xact_lock(4202)"));
        em.getTransaction().commit();
      }
      scalar(holder, "select pg_advisory_unlock(4202)");
    }
  }

  @Test
  void strictModeRefusesAnUnpinnedAdvisoryLockAndTakesAPinnedOne(PgCluster cluster)
      throws SQLException {
    start(cluster, Map.of("hibernate.balanced.mode", "strict"));
    try (EntityManager em = db.emf.createEntityManager();
        Connection other = cluster.primary().connect()) {
      em.getTransaction().begin();
      UnpinnedWriteException refused =
          causedBy(
              UnpinnedWriteException.class,
              () -> scalar(em, "select pg_try_advisory_xact_lock(4203)"));
      assertTrue(refused.getMessage().contains("pg_try_advisory_xact_lock"), refused.getMessage());
      em.getTransaction().rollback();

      em.getTransaction().begin();
      em.unwrap(BalancedSession.class).pin();
      assertEquals("t", scalar(em, "select pg_try_advisory_xact_lock(4203)"));
      assertFalse(tryLock(other, 4203));
      em.getTransaction().commit();
    }
  }

  @Test
  void aDeclaredWriteFunctionRunsOnThePrimary(PgCluster cluster) throws SQLException {
    start(cluster, Map.of(WRITE_FUNCTIONS, "archive_order, app.bump_counter"));
    try (EntityManager em = db.emf.createEntityManager()) {
      assertEquals("42", scalar(em, "select archive_order(42)"));
      assertEquals("1", scalar(em, "select app.bump_counter()"));
    }
    assertEquals(
        "1", scalar(cluster.primary(), "select count(*) from archived where order_id = 42"));
  }

  @Test
  void withoutTheDeclarationTheStandbyRefusesAWriteFunction(PgCluster cluster) throws SQLException {
    start(cluster, Map.of());
    try (EntityManager em = db.emf.createEntityManager()) {
      // Caught inside the work, so that Hibernate does not log the expected failure.
      SQLException refused =
          em.unwrap(Session.class)
              .doReturningWork(
                  c ->
                      assertThrows(
                          SQLException.class, () -> scalar(c, "select archive_order(43)")));
      assertTrue(refused.getMessage().contains("read-only transaction"), "not refused: " + refused);
    }
  }

  @Test
  void txidCurrentAndPgCurrentXactIdNameAPrimaryTransaction(PgCluster cluster) throws SQLException {
    start(cluster, Map.of());
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      long txid = Long.parseLong(scalar(em, "select txid_current()"));
      assertEquals(txid, Long.parseLong(scalar(em, "select pg_current_xact_id()::text")));
      em.getTransaction().commit();
      assertTrue(txid > 0);
    }
  }

  @Test
  void pgNotifyReachesListenersOnThePrimary(PgCluster cluster) throws SQLException {
    start(cluster, Map.of());
    try (Connection listener = cluster.primary().connect()) {
      scalar(listener, "listen orders");
      try (EntityManager em = db.emf.createEntityManager()) {
        em.getTransaction().begin();
        scalar(em, "select pg_notify('orders', 'order 42')");
        em.getTransaction().commit();
      }
      PGNotification[] received =
          listener
              .unwrap(PGConnection.class)
              .getNotifications((int) Duration.ofSeconds(10).toMillis());
      assertNotNull(received, "no notification within 10 s");
      assertEquals("order 42", received[0].getParameter());
    }
  }

  @Test
  void setConfigReachesTheStatementsThatWrite(PgCluster cluster) throws SQLException {
    start(cluster, Map.of());
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertTrue(PgBalanced.readsFromStandby(em));
      scalar(em, "select set_config('app.tenant', 'acme', true)");
      em.createNativeQuery("insert into tagged default values").executeUpdate();
      em.getTransaction().commit();
    }
    assertEquals("acme", scalar(cluster.primary(), "select max(tenant) from tagged"));
  }

  @Test
  void largeObjectsAreWrittenOnThePrimaryAndReadOnTheStandby(PgCluster cluster)
      throws SQLException {
    start(cluster, Map.of());
    long oid;
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      oid = Long.parseLong(scalar(em, "select lo_from_bytea(0, 'hello'::bytea)"));
      scalar(em, "select lo_put(" + oid + ", 5, ', world'::bytea)");
      em.getTransaction().commit();
    }
    assertEquals(
        "1",
        scalar(
            cluster.primary(), "select count(*) from pg_largeobject_metadata where oid = " + oid));
    cluster.waitForReplay(Duration.ofSeconds(30));
    try (EntityManager em = db.emf.createEntityManager()) {
      byte[] content =
          em.unwrap(Session.class)
              .doReturningWork(
                  c -> {
                    try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select lo_get(" + oid + ")")) {
                      rs.next();
                      return rs.getBytes(1);
                    }
                  });
      assertArrayEquals("hello, world".getBytes(StandardCharsets.US_ASCII), content);
      assertTrue(PgBalanced.readsFromStandby(em), "lo_get is a read: it did not pin");
    }
  }

  @Test
  void dblinkExecRunsOnThePrimary(PgCluster cluster) throws SQLException {
    start(cluster, Map.of());
    // A loopback connection: the classic way to write what must survive a rollback (audit logs).
    // The remote command writes through a function, so no word of it makes the query a write.
    String loopback =
        "select dblink_exec('host=127.0.0.1 port=' || inet_server_port() || ' dbname=' ||"
            + " current_database() || ' user=postgres', 'do $b$ begin perform archive_order(44); end $b$')";
    try (EntityManager em = db.emf.createEntityManager()) {
      assertEquals("DO", scalar(em, loopback));
    }
    assertEquals(
        "1", scalar(cluster.primary(), "select count(*) from archived where order_id = 44"));
  }

  /** The first column of the first row of {@code sql}, run on the session's routing connection. */
  private static String scalar(EntityManager em, String sql) {
    return em.unwrap(Session.class).doReturningWork(c -> scalar(c, sql));
  }

  private static String scalar(dev.balanced.testing.pg.PgNode node, String sql)
      throws SQLException {
    try (Connection c = node.connect()) {
      return scalar(c, sql);
    }
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (!s.execute(sql)) {
        return null;
      }
      try (ResultSet rs = s.getResultSet()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Whether {@code other} could take the session-level lock {@code key}; it lets it go again. */
  private static boolean tryLock(Connection other, long key) throws SQLException {
    try (PreparedStatement s = other.prepareStatement("select pg_try_advisory_lock(?)")) {
      s.setLong(1, key);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return false;
        }
      }
    }
    scalar(other, "select pg_advisory_unlock(" + key + ")");
    return true;
  }

  private static void onPrimary(PgCluster cluster, String... statements) throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static <T extends Throwable> T causedBy(Class<T> type, Executable work) {
    Throwable thrown = assertThrows(Throwable.class, work);
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("expected " + type.getSimpleName() + ", got " + thrown, thrown);
  }
}
