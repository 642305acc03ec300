package dev.balanced.internal.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.balanced.BalancedSession;
import dev.balanced.events.NodeState;
import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.routing.Router;
import dev.balanced.testing.CapturedLog;
import dev.balanced.testing.H2Nodes;
import dev.balanced.testing.Pools;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replica whose pool does not reconnect on its own ({@code minimumIdle=0}) is tried again by one
 * unit of work every {@code replica_retry_seconds}, timed by the router's clock: here a clock the
 * test moves, so no test waits for a retry to come due.
 */
class OutageClockTest {
  private final AtomicLong clock = new AtomicLong(42);
  private final List<String> changes = Collections.synchronizedList(new ArrayList<>());
  private CapturedLog log;
  private H2Nodes nodes;
  private Router router;

  @BeforeEach
  void start() {
    log = CapturedLog.start();
    nodes = H2Nodes.start("r1");
    nodes.execute("r1", "SHUTDOWN"); // gone, and IFEXISTS keeps the pool from recreating it
    Map<String, Object> settings = new java.util.HashMap<>(nodes.settings("balanced."));
    settings.put("balanced.replicas.r1.url", nodes.url("r1") + ";IFEXISTS=TRUE");
    settings.put("balanced.primary.hikari.connectionTimeout", "250");
    settings.put("balanced.replica_retry_seconds", "10");
    settings.put("balanced.replicas.r1.hikari.initializationFailTimeout", "-1");
    router =
        Router.start(
            BalancedSettings.parse(settings, "balanced."),
            clock::get,
            java.util.List.of(
                new dev.balanced.events.BalancedListener() {
                  @Override
                  public void nodeStateChanged(dev.balanced.events.NodeStateChanged event) {
                    changes.add(event.node() + " " + event.from() + "->" + event.to());
                  }
                }));
  }

  @AfterEach
  void stop() {
    try {
      Pools.assertNoneActive(router);
    } finally {
      router.close();
      nodes.close();
      log.close();
    }
  }

  /** Where a new unit of work reads, and why: "r1 (selector)". */
  private String readOfNewUnitOfWork() throws Exception {
    try (Connection connection = router.connect(router.openUnitOfWork(false));
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("select node from marker")) {
      rs.next();
      return rs.getString(1) + " (" + connection.unwrap(BalancedSession.class).routeReason() + ")";
    }
  }

  @Test
  void aDownReplicaIsTriedAgainWhenItsRetryIsDueOnTheClock() throws Exception {
    Node r1 = router.topology().node("r1");

    assertEquals("primary (replica unreachable)", readOfNewUnitOfWork());
    assertEquals(NodeState.DOWN, r1.health().status());
    assertEquals(42, r1.health().downSinceNanos());

    nodes.execute(
        "r1", "create table marker(node varchar(40))", "insert into marker values ('r1')");
    assertEquals(
        "primary (replica unreachable)", readOfNewUnitOfWork(), "back, but its retry is not due");

    clock.addAndGet(TimeUnit.SECONDS.toNanos(10) - 1);
    assertEquals("primary (replica unreachable)", readOfNewUnitOfWork());

    clock.addAndGet(1);
    assertEquals("r1 (selector)", readOfNewUnitOfWork());
    assertEquals(NodeState.UP, r1.health().status());
    assertEquals(List.of("r1 UP->DOWN", "r1 DOWN->UP"), changes);

    assertEquals(1, log.count("WARN", "replica r1 cannot be reached"), log.text());
    assertEquals(1, log.count("INFO", "replica r1 is reachable again"), log.text());
  }
}
