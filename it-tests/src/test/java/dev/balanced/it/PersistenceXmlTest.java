package dev.balanced.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import dev.balanced.UnpinnedWriteException;
import dev.balanced.internal.routing.Router;
import dev.balanced.testing.Pools;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end through {@code META-INF/persistence.xml} and {@code Persistence}, exactly as an
 * application boots. Every node holds one message naming the node, and its own message sequence
 * start, so reads and {@code nextval}s show where they ran. replica2 has weight 0 and must never
 * serve a read.
 */
class PersistenceXmlTest {
  private static final String[] NODES = {"primary", "replica1", "replica2"};

  private EntityManagerFactory emf;

  @BeforeEach
  void createSchemaOnEveryNode() throws SQLException {
    long sequenceStart = 10_000;
    for (String node : NODES) {
      try (Connection c = connect(node);
          Statement s = c.createStatement()) {
        s.execute("drop all objects");
        s.execute(
            "create table Message (id bigint not null primary key, postedAt timestamp(6) with time"
                + " zone, text varchar(255))");
        s.execute("create sequence Message_SEQ start with " + sequenceStart + " increment by 50");
        s.execute("insert into Message values (1, current_timestamp, 'on " + node + "')");
      }
      sequenceStart += 10_000;
    }
  }

  @AfterEach
  void closeAndCheckForLeaks() {
    if (emf != null) {
      try {
        Pools.assertNoneActive(router(emf));
      } finally {
        emf.close();
      }
    }
  }

  private static Connection connect(String node) throws SQLException {
    return DriverManager.getConnection("jdbc:h2:mem:it-" + node + ";DB_CLOSE_DELAY=-1", "sa", "");
  }

  private static Router router(EntityManagerFactory emf) {
    return emf.unwrap(SessionFactoryImplementor.class)
        .getServiceRegistry()
        .requireService(MultiTenantConnectionProvider.class)
        .unwrap(Router.class);
  }

  private static String text(EntityManager em) {
    em.clear();
    return em.find(Message.class, 1L).getText();
  }

  @Test
  void readsGoToTheWeightedReplicaAndWritesPinToThePrimary() {
    emf = Persistence.createEntityManagerFactory("balanced-it");
    for (int i = 0; i < 20; i++) {
      try (EntityManager em = emf.createEntityManager()) {
        assertEquals("on replica1", text(em));
      }
    }
    try (EntityManager em = emf.createEntityManager()) {
      em.getTransaction().begin();
      assertEquals("on replica1", text(em));
      Message posted = new Message("hello");
      em.persist(posted);
      // Hibernate's pooled optimizer derives ids from the sequence value (10000 on the primary,
      // 20000 and 30000 on the replicas).
      assertTrue(
          posted.getId() > 5_000 && posted.getId() <= 10_000,
          "id " + posted.getId() + " should come from the primary's sequence");
      em.getTransaction().commit();
      assertEquals("on primary", text(em));
    }
  }

  @Test
  void strictModeFromAnOverrideRefusesUnpinnedWrites() {
    emf =
        Persistence.createEntityManagerFactory(
            "balanced-it", Map.of("hibernate.balanced.mode", "strict"));
    try (EntityManager em = emf.createEntityManager()) {
      em.getTransaction().begin();
      assertThrows(UnpinnedWriteException.class, () -> em.persist(new Message("refused")));
      em.getTransaction().rollback();
      em.getTransaction().begin();
      em.unwrap(BalancedSession.class).pin();
      em.persist(new Message("accepted"));
      em.getTransaction().commit();
    }
  }

  /** A unit moved to Balanced that kept its old URL: it would be ignored, so startup fails. */
  @Test
  void aJdbcUrlOfAnotherDatabaseFailsStartupNamingIt() {
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                Persistence.createEntityManagerFactory(
                        "balanced-it", Map.of("jakarta.persistence.jdbc.url", "jdbc:h2:mem:it-old"))
                    .close());
    Throwable cause = e;
    while (cause != null && !(cause instanceof BalancedConfigurationException)) {
      cause = cause.getCause();
    }
    assertNotNull(cause, () -> "no BalancedConfigurationException in " + e);
    assertTrue(cause.getMessage().contains("'jakarta.persistence.jdbc.url'"), cause.getMessage());
    assertTrue(cause.getMessage().contains("'hibernate.balanced.primary.url'"), cause.getMessage());
  }

  @Test
  void aRequestContextSpansEntityManagers() {
    emf = Persistence.createEntityManagerFactory("balanced-it");
    try (PinningContext request = PinningContext.open()) {
      try (EntityManager em = emf.createEntityManager()) {
        em.getTransaction().begin();
        em.persist(new Message("posted"));
        em.getTransaction().commit();
      }
      try (EntityManager em = emf.createEntityManager()) {
        assertEquals("on primary", text(em));
      }
    }
    try (EntityManager em = emf.createEntityManager()) {
      assertFalse(em.unwrap(BalancedSession.class).isPinned());
      assertEquals("on replica1", text(em));
    }
  }
}
