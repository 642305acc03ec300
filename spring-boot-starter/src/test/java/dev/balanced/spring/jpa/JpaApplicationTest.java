package dev.balanced.spring.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balanced.BalancedSession;
import dev.balanced.PinningContext;
import dev.balanced.ReadOnlyWriteException;
import dev.balanced.testing.H2Nodes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Boot application with Spring Data JPA, JpaTransactionManager, Flyway and a task scheduler, on
 * separate H2 databases per node holding different rows under the same id, so where a read went is
 * what it returns.
 */
@SpringBootTest(classes = JpaApplication.class)
class JpaApplicationTest {
  private static final H2Nodes NODES = H2Nodes.start("r1");

  static {
    NODES.executeEverywhere("create table item(id bigint primary key, name varchar(40))");
    NODES.execute("primary", "insert into item values (1, 'item-1@primary')");
    NODES.execute("r1", "insert into item values (1, 'item-1@r1')");
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> NODES.url("primary"));
    registry.add("spring.datasource.username", () -> "sa");
    registry.add("spring.jpa.hibernate.ddl-auto", () -> "none");
    registry.add("balanced.replicas.r1.url", () -> NODES.url("r1"));
    // The test nodes have tables already (marker, item): Flyway starts below its first version.
    registry.add("spring.flyway.baseline-on-migrate", () -> "true");
    registry.add("spring.flyway.baseline-version", () -> "0");
    registry.add("spring.jpa.open-in-view", () -> "true");
  }

  @AfterAll
  static void stop() {
    NODES.close();
  }

  @Autowired private ItemRepository items;
  @Autowired private PlatformTransactionManager transactions;
  @Autowired private EntityManagerFactory emf;
  @Autowired private ThreadPoolTaskScheduler scheduler;
  @Autowired private org.flywaydb.core.Flyway flyway;
  @Autowired private liquibase.integration.spring.SpringLiquibase liquibase;

  /** The name of item 1, read in a read-only transaction. */
  private String readItem1() {
    String name = readOnly().execute(status -> items.findById(1L).orElseThrow().getName());
    return name;
  }

  private TransactionTemplate readOnly() {
    TransactionTemplate template = new TransactionTemplate(transactions);
    template.setReadOnly(true);
    return template;
  }

  @Test
  void aReadOnlyTransactionReadsTheReplicaAndRefusesWrites() {
    assertThat(readItem1()).isEqualTo("item-1@r1");
    assertThatThrownBy(
            () -> readOnly().executeWithoutResult(status -> items.save(new Item(2L, "refused"))))
        .hasRootCauseInstanceOf(ReadOnlyWriteException.class);
    assertThat(NODES.count("primary", "item")).isEqualTo(1);
  }

  @Test
  void aReadWriteTransactionThatReadsThenWritesSwitchesToThePrimary() {
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              assertThat(items.findById(1L).orElseThrow().getName()).isEqualTo("item-1@r1");
              items.saveAndFlush(new Item(3L, "written"));
            });
    assertThat(NODES.queryOne("primary", "select name from item where id = 3"))
        .isEqualTo("written");
    assertThat(NODES.count("r1", "item")).isEqualTo(1);
    NODES.execute("primary", "delete from item where id = 3");
  }

  @Test
  void openInViewOneEntityManagerForAReadOnlyThenAReadWriteTransaction() {
    // What OpenEntityManagerInViewInterceptor does for a request: one entity manager, bound to the
    // thread, that the request's transactions join.
    EntityManager em = emf.createEntityManager();
    TransactionSynchronizationManager.bindResource(emf, new EntityManagerHolder(em));
    try {
      assertThat(readItem1()).isEqualTo("item-1@r1");
      new TransactionTemplate(transactions)
          .executeWithoutResult(status -> items.saveAndFlush(new Item(4L, "after read-only")));
      assertThat(em.unwrap(BalancedSession.class).isPinned()).isTrue();
    } finally {
      TransactionSynchronizationManager.unbindResource(emf);
      em.close();
    }
    assertThat(NODES.queryOne("primary", "select name from item where id = 4"))
        .isEqualTo("after read-only");
    NODES.execute("primary", "delete from item where id = 4");
  }

  private static long tables(String node, String name) {
    return (Long)
        NODES.queryOne(
            node,
            "select count(*) from information_schema.tables where lower(table_name) = '"
                + name
                + "'");
  }

  @Test
  void flywayAndLiquibaseMigratedThePrimaryOnly() throws Exception {
    // They read their history where they write it: through the primary's pool, not the router.
    for (javax.sql.DataSource migrations :
        new javax.sql.DataSource[] {
          flyway.getConfiguration().getDataSource(), liquibase.getDataSource()
        }) {
      assertThat(migrations).isNotInstanceOf(dev.balanced.BalancedDataSource.class);
      try (java.sql.Connection connection = migrations.getConnection();
          java.sql.Statement statement = connection.createStatement();
          java.sql.ResultSet rs = statement.executeQuery("select node from marker")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("primary");
      }
    }
    for (String table :
        new String[] {
          "made_by_flyway", "flyway_schema_history", "made_by_liquibase", "databasechangelog"
        }) {
      assertThat(tables("primary", table)).as(table + " on the primary").isEqualTo(1);
      assertThat(tables("r1", table)).as(table + " on the replica").isZero();
    }
  }

  @Test
  void eachScheduledRunStartsFromAFreshContext() throws Exception {
    List<PinningContext> seen = new CopyOnWriteArrayList<>();
    List<Boolean> pinnedAtStart = new CopyOnWriteArrayList<>();
    ScheduledFuture<?> job =
        scheduler.scheduleAtFixedRate(
            () -> {
              PinningContext context = PinningContext.current();
              seen.add(context);
              pinnedAtStart.add(context.isPinned());
              context.pin("a run that wrote");
            },
            Duration.ofMillis(20));
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (seen.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      job.cancel(false);
    }
    assertThat(seen).hasSizeGreaterThanOrEqualTo(3).doesNotHaveDuplicates();
    assertThat(pinnedAtStart).containsOnly(false);
  }
}
