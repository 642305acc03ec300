package dev.balanced.it.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedSession;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PostgresCluster;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code SET} and {@code SET LOCAL} change the session, not the data: they run on the standby
 * without pinning, reach the primary connection a later write takes, and a changed session never
 * goes back to the pool for the next unit of work.
 */
@PostgresCluster(standbys = 1)
class SessionSettingsTest {
  private static final String DEFAULT_PATH = "\"$user\", public";

  private PgBalanced db;

  @BeforeEach
  void start(PgCluster cluster) throws Exception {
    try (Connection primary = cluster.primary().connect();
        Statement statement = primary.createStatement()) {
      statement.execute("drop schema if exists app cascade");
      statement.execute("create schema app");
      statement.execute("create table app.note(text varchar(40))");
    }
    cluster.waitForReplay(Duration.ofSeconds(30));
    // One connection per node: a connection returned with its session changed would be the next
    // unit of work's.
    db =
        PgBalanced.start(cluster, Map.of("hibernate.balanced.primary.hikari.maximumPoolSize", "1"));
  }

  @AfterEach
  void stop() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aSetRunsOnTheStandbyIsCarriedToThePrimaryAndDoesNotOutliveTheUnitOfWork(PgCluster cluster)
      throws Exception {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.createNativeQuery("set search_path to app, public").executeUpdate();

      assertFalse(em.unwrap(BalancedSession.class).isPinned(), "a SET is not a write");
      assertTrue(PgBalanced.readsFromStandby(em));
      assertEquals("app, public", searchPath(em));

      // Unqualified: lands in app.note only if the primary connection got the search path too.
      em.createNativeQuery("insert into note(text) values ('hello')").executeUpdate();
      em.getTransaction().commit();
    }
    assertEquals(1L, count(cluster, "select count(*) from app.note"));

    try (EntityManager em = db.emf.createEntityManager()) {
      assertTrue(PgBalanced.readsFromStandby(em));
      assertEquals(DEFAULT_PATH, searchPath(em), "the standby's connection was not reused as is");
      try (BalancedSession.Scope primary = em.unwrap(BalancedSession.class).usingEngine("master")) {
        assertEquals(DEFAULT_PATH, searchPath(em), "nor the primary's");
      }
    }
  }

  @Test
  void aSetLocalReachesThePrimaryAndEndsWithTheTransaction(PgCluster cluster) throws Exception {
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      em.createNativeQuery("set local search_path to app, public").executeUpdate();
      assertEquals("app, public", searchPath(em));
      em.createNativeQuery("insert into note(text) values ('local')").executeUpdate();
      assertEquals("app, public", searchPath(em), "read on the primary after the write");
      em.getTransaction().commit();

      em.getTransaction().begin();
      assertEquals(DEFAULT_PATH, searchPath(em));
      em.getTransaction().commit();
    }
    assertEquals(1L, count(cluster, "select count(*) from app.note where text = 'local'"));
    assertEquals(
        1,
        db.router().topology().primary().pool().getHikariPoolMXBean().getTotalConnections(),
        "a SET LOCAL leaves nothing behind: the primary's connection went back to its pool");
  }

  private static String searchPath(EntityManager em) {
    return (String) em.createNativeQuery("show search_path").getSingleResult();
  }

  private static long count(PgCluster cluster, String sql) throws Exception {
    try (Connection primary = cluster.primary().connect();
        Statement statement = primary.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
