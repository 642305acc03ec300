package dev.balanced.it.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedDataSource;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import dev.balanced.testing.pg.PostgresCluster;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a commit reports is what happened on the primary. A unit of work that read on a standby
 * holds a read-only transaction there; if the standby dies before the commit, the commit still
 * succeeds when the primary committed (an application retrying a commit reported as failed would
 * write twice), and the dead standby's connection is discarded, not returned to its pool.
 */
@PostgresCluster(standbys = 1)
class CommitOutcomeTest {
  private PgCluster cluster;
  private PgBalanced db;
  private CapturedLog log;

  private void start(PgCluster cluster) {
    this.cluster = cluster;
    // The standby's death is logged at WARN: capture it to assert it, and keep the build quiet.
    log = CapturedLog.start();
    db =
        PgBalanced.start(
            cluster,
            Map.of(
                "hibernate.balanced.primary.hikari.connectionTimeout", "1000",
                "hibernate.balanced.replica_retry_seconds", "60"));
    db.inTransaction(em -> em.persist(new Account("existing", 1)));
    cluster.waitForReplay(java.time.Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    try {
      if (db != null) {
        db.close();
      }
    } finally {
      if (log != null) {
        log.close();
      }
      cluster.start(cluster.standby(1));
    }
  }

  private Account existing(EntityManager em) {
    return em.createQuery("from Account where owner = 'existing'", Account.class).getSingleResult();
  }

  /**
   * The standby dies by a fast shutdown (it tells its clients it is terminating them) or by an
   * immediate one (its backends are killed and the sockets reset), with the write flushed to the
   * primary before that or only at commit.
   */
  @ParameterizedTest
  @CsvSource({"fast, false", "fast, true", "immediate, false", "immediate, true"})
  void aCommitAfterTheStandbyDiedSucceedsAndTheRowIsOnThePrimary(
      String shutdown, boolean flushBeforeTheStandbyDies, PgCluster cluster) throws Exception {
    start(cluster);
    PgNode standby = cluster.standby(1);
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      assertTrue(PgBalanced.readsFromStandby(em));
      existing(em);
      em.persist(new Account("written", 2));
      if (flushBeforeTheStandbyDies) {
        em.flush();
      }
      if (shutdown.equals("immediate")) {
        cluster.crash(standby);
      } else {
        cluster.stop(standby);
      }

      em.getTransaction().commit(); // throws without the fix
    }

    assertEquals(1, accounts(cluster.primary(), "written"));
    assertEquals(0, connectionsOf(standby), "the dead connection is not back in its pool");
    log.assertLine(
        "WARN", "dev.balanced.topology", "replica " + standby.name() + " cannot be reached");
    assertEquals(
        1, log.count("replica " + standby.name() + " cannot be reached"), "once: " + log.text());
  }

  @Test
  void aRollbackAfterTheStandbyDiedSucceedsAndNothingIsOnThePrimary(PgCluster cluster)
      throws Exception {
    start(cluster);
    try (EntityManager em = db.emf.createEntityManager()) {
      em.getTransaction().begin();
      existing(em);
      em.persist(new Account("rolled back", 2));
      em.flush();
      cluster.crash(cluster.standby(1));

      em.getTransaction().rollback();
    }
    assertEquals(0, accounts(cluster.primary(), "rolled back"));
  }

  /** The same through the plain-JDBC data source, with auto-commit switched back on as commit. */
  @Test
  void aBalancedDataSourceCommitReportsThePrimarysOutcomeToo(PgCluster cluster) throws Exception {
    start(cluster);
    try (BalancedDataSource dataSource =
        BalancedDataSource.fromProperties(
            Map.of(
                "balanced.primary.url",
                cluster.primary().jdbcUrl(),
                "balanced.primary.username",
                PgNode.USER,
                "balanced.primary.hikari.connectionTimeout",
                "1000",
                "balanced.replicas.standby1.url",
                cluster.standby(1).jdbcUrl()))) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        assertTrue(inRecovery(connection), "reads on the standby");
        insertAccount(connection, "jdbc commit");
        cluster.stop(cluster.standby(1));
        connection.commit();
      }
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        assertFalse(inRecovery(connection), "the dead standby is left out");
        insertAccount(connection, "jdbc auto-commit on");
        connection.setAutoCommit(true);
      }
    }
    assertEquals(1, accounts(cluster.primary(), "jdbc commit"));
    assertEquals(1, accounts(cluster.primary(), "jdbc auto-commit on"));
  }

  /**
   * Writers commit while the standby dies under them: every commit that returned is on the primary,
   * and no unit of work that threw left a row there.
   */
  @Test
  void underLoadEveryCommitThatReturnedIsOnThePrimaryAndNoFailedOneIs(PgCluster cluster)
      throws Exception {
    start(cluster);
    int writers = 4;
    int unitsEach = 40;
    Set<String> committed = ConcurrentHashMap.newKeySet();
    Set<String> failed = ConcurrentHashMap.newKeySet();
    AtomicInteger done = new AtomicInteger();
    CountDownLatch halfway = new CountDownLatch(writers * unitsEach / 4);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < unitsEach; i++) {
                    String owner = "load-" + writer + "-" + i;
                    try (EntityManager em = db.emf.createEntityManager()) {
                      em.getTransaction().begin();
                      existing(em);
                      em.persist(new Account(owner, i));
                      em.getTransaction().commit();
                      committed.add(owner);
                    } catch (RuntimeException e) {
                      failed.add(owner);
                    }
                    done.incrementAndGet();
                    halfway.countDown();
                  }
                  return null;
                }));
      }
      assertTrue(halfway.await(60, TimeUnit.SECONDS));
      cluster.crash(cluster.standby(1));
      for (Future<?> future : futures) {
        future.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    Set<String> onPrimary = owners(cluster.primary(), "load-%");
    assertEquals(writers * unitsEach, committed.size() + failed.size());
    assertEquals(committed, onPrimary, "failed: " + failed);
    assertTrue(committed.size() > writers * unitsEach / 2, "most commits succeed: " + failed);
  }

  /** Connections the node's pool holds, in use or idle. */
  private int connectionsOf(PgNode node) {
    return db.router().topology().nodes().stream()
        .filter(n -> n.name().equals(node.name()))
        .findFirst()
        .orElseThrow()
        .pool()
        .getHikariPoolMXBean()
        .getTotalConnections();
  }

  private static boolean inRecovery(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("select pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static void insertAccount(Connection connection, String owner) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into account(id, owner, balance, version)"
                + " values (nextval('account_seq'), ?, 0, 0)")) {
      insert.setString(1, owner);
      insert.executeUpdate();
    }
  }

  private static long accounts(PgNode node, String owner) throws SQLException {
    return owners(node, owner).size();
  }

  private static Set<String> owners(PgNode node, String ownerLike) throws SQLException {
    Set<String> owners = new HashSet<>();
    try (Connection connection = node.connect();
        PreparedStatement query =
            connection.prepareStatement("select owner from account where owner like ?")) {
      query.setString(1, ownerLike);
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          owners.add(rs.getString(1));
        }
      }
    }
    return owners;
  }
}
