package dev.balanced.it.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.it.pg.Account;
import dev.balanced.it.replication.BalancedFactory;
import dev.balanced.it.replication.MariaDatabase;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.mariadb.MariaCluster;
import dev.balanced.testing.mariadb.MariaDbCluster;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MySQL Connector/J reports a MariaDB server as "MySQL 5.5.5-10.11...": Hibernate alone would pick
 * MySQLDialect, whose {@code for update of <alias>} MariaDB rejects. Balanced picks the MariaDB
 * dialect for the real version, and warns when the application forces a MySQL dialect.
 */
@MariaDbCluster(replicas = 1)
class DialectTest {
  private static final String MYSQL_DIALECT = "org.hibernate.dialect.MySQLDialect";

  /**
   * Each test lets Hibernate create the schema for its own dialect; MySQLDialect's table-backed
   * sequence would be in the way of MariaDBDialect's real one.
   */
  @BeforeEach
  void dropSchema(MariaCluster cluster) throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS Account, Entry, account_seq");
    }
    cluster.waitForReplay(Duration.ofSeconds(30));
  }

  private static Dialect dialect(BalancedFactory db) {
    return db.emf.unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect();
  }

  private static void lockAlice(BalancedFactory db) {
    db.inTransaction(
        em -> {
          em.persist(new Account("alice", 1));
          em.flush();
          em.clear();
          em.createQuery("from Account a where a.owner = 'alice'", Account.class)
              .setLockMode(LockModeType.PESSIMISTIC_WRITE)
              .getSingleResult();
        });
  }

  @Test
  void connectorJGetsTheMariaDbDialectForTheServersRealVersion(MariaCluster cluster) {
    MariaDatabase database = new MariaDatabase(cluster, MariaDatabase.Driver.CONNECTOR_J);
    try (CapturedLog log = CapturedLog.start();
        BalancedFactory db = BalancedFactory.start(database, Map.of())) {
      Dialect dialect = dialect(db);
      assertTrue(dialect instanceof MariaDBDialect, dialect.getClass().getName());
      assertTrue(dialect.getVersion().isSameOrAfter(10, 6), dialect.getVersion().toString());
      assertEquals(
          1, log.count("INFO", "dev.balanced.config", "using Hibernate's MariaDBDialect for 10."));
      assertFalse(log.text().contains("HHH000511"), log.text()); // "5.5.5 is no longer supported"
      lockAlice(db);
    }
  }

  @Test
  void theMariaDbDriverNeedsNoHelp(MariaCluster cluster) {
    MariaDatabase database = new MariaDatabase(cluster, MariaDatabase.Driver.MARIADB);
    try (CapturedLog log = CapturedLog.start();
        BalancedFactory db = BalancedFactory.start(database, Map.of())) {
      assertTrue(dialect(db) instanceof MariaDBDialect);
      assertEquals(0, log.count("INFO", "dev.balanced.config", "MariaDBDialect"), log.text());
      lockAlice(db);
    }
  }

  @Test
  void aMySqlDialectChosenForMariaDbIsWarnedAboutAtStartup(MariaCluster cluster) {
    for (MariaDatabase.Driver driver : MariaDatabase.Driver.values()) {
      MariaDatabase database = new MariaDatabase(cluster, driver);
      try (CapturedLog log = CapturedLog.start();
          BalancedFactory db =
              BalancedFactory.start(database, Map.of("hibernate.dialect", MYSQL_DIALECT))) {
        assertEquals(
            1,
            log.count(
                "WARN",
                "dev.balanced.config",
                "hibernate.dialect is " + MYSQL_DIALECT + " but the primary is MariaDB (10.11"),
            log.text());
        assertTrue(log.text().contains("hibernate.dialect=org.hibernate.dialect.MariaDBDialect"));
        // What the warning is about: MariaDB refuses the dialect's row lock.
        PersistenceException refused =
            assertThrows(PersistenceException.class, () -> lockAlice(db));
        assertTrue(
            String.valueOf(refused.getCause()).contains("for update of")
                || String.valueOf(refused.getMessage()).contains("for update of"),
            refused.toString());
      }
    }
  }
}
