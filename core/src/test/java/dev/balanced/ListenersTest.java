package dev.balanced;

import static dev.balanced.Queries.servedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.events.BalancedListener;
import dev.balanced.events.NodeState;
import dev.balanced.events.NodeStatus;
import dev.balanced.events.Pinned;
import dev.balanced.events.ReadNodeChosen;
import dev.balanced.events.Started;
import dev.balanced.events.SwitchedToPrimary;
import dev.balanced.events.TokenDecision;
import dev.balanced.events.WriteRefused;
import dev.balanced.testing.CapturedLog;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Listeners are told what routing decided, as a user of the events would see them. */
class ListenersTest {
  private static final String SECRET = "listeners-test-secret-of-32-chars-or-more";

  private final Recorder recorder = new Recorder();
  private TestCluster cluster;

  /** Every event, in order. */
  static final class Recorder implements BalancedListener {
    final List<Object> events = new CopyOnWriteArrayList<>();

    @Override
    public void started(Started event) {
      events.add(event);
    }

    @Override
    public void readNodeChosen(ReadNodeChosen event) {
      events.add(event);
    }

    @Override
    public void pinned(Pinned event) {
      events.add(event);
    }

    @Override
    public void writeRefused(WriteRefused event) {
      events.add(event);
    }

    @Override
    public void switchedToPrimary(SwitchedToPrimary event) {
      events.add(event);
    }

    @Override
    public void tokenDecided(TokenDecision event) {
      events.add(event);
    }

    <E> List<E> of(Class<E> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  /** A listener whose every method fails, as a buggy one would. */
  static final class Failing implements BalancedListener {
    @Override
    public void readNodeChosen(ReadNodeChosen event) {
      throw new IllegalStateException("listener bug");
    }
  }

  private void start(Map<String, ?> settings) {
    cluster = TestCluster.start(settings, "r1", "r2");
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aReadTellsWhereTheUnitOfWorkReadAndWhy() throws Exception {
    start(Map.of("balanced.listeners", recorder));
    Started started = recorder.of(Started.class).get(0);
    assertEquals(List.of("primary", "r1", "r2"), started.nodes());

    String node;
    try (Connection connection = cluster.dataSource.getConnection()) {
      node = servedBy(connection);
      servedBy(connection);
    }
    assertEquals(
        List.of(new ReadNodeChosen(node, "selector")),
        recorder.of(ReadNodeChosen.class),
        "one event per unit of work, for its first read");
  }

  @Test
  void aWriteAfterReadsOnAReplicaPinsAndSwitches() throws Exception {
    start(Map.of("balanced.listeners", recorder));
    String replica;
    try (PinningContext context = PinningContext.open();
        Connection connection = cluster.dataSource.getConnection()) {
      replica = servedBy(connection);
      Queries.insertItem(connection, 1);
      assertEquals("primary", servedBy(connection));
      assertTrue(context.isPinned());
    }
    Pinned pinned = recorder.of(Pinned.class).get(0);
    assertEquals("write intent", pinned.kind());
    assertEquals("sql", pinned.operation());
    assertTrue(pinned.reason().startsWith("write intent: "), pinned.reason());
    assertEquals(
        List.of(new SwitchedToPrimary(replica, "sql", null)), recorder.of(SwitchedToPrimary.class));
  }

  @Test
  void aPinByTheApplicationIsToldOnceWithItsKind() throws Exception {
    start(Map.of("balanced.listeners", recorder));
    try (PinningContext context = PinningContext.open()) {
      context.pin("master parameter m");
      for (int i = 0; i < 3; i++) {
        try (Connection connection = cluster.dataSource.getConnection()) {
          assertEquals("primary", servedBy(connection));
        }
      }
    }
    assertEquals(
        List.of(new Pinned("master parameter", "master parameter m", null, null)),
        recorder.of(Pinned.class));
    assertEquals(
        List.of(
            new ReadNodeChosen("primary", "pin"),
            new ReadNodeChosen("primary", "pin"),
            new ReadNodeChosen("primary", "pin")),
        recorder.of(ReadNodeChosen.class));
  }

  @Test
  void strictModeRefusalsAreTold() throws Exception {
    start(Map.of("balanced.listeners", recorder, "balanced.mode", "strict"));
    try (Connection connection = cluster.dataSource.getConnection()) {
      assertThrows(UnpinnedWriteException.class, () -> Queries.insertItem(connection, 1));
    }
    assertEquals(List.of(new WriteRefused("sql", null)), recorder.of(WriteRefused.class));
    assertEquals(List.of(), recorder.of(Pinned.class));
  }

  @Test
  void tokensTellWhatTheyDecided() throws Exception {
    start(
        Map.of(
            "balanced.listeners",
            recorder,
            "balanced.consistency",
            "time",
            "balanced.token_secret",
            SECRET));
    String token;
    try (PinningContext context = PinningContext.open()) {
      try (Connection connection = cluster.dataSource.getConnection()) {
        Queries.insertItem(connection, 1);
      }
      token = context.token();
    }
    try (PinningContext next = PinningContext.open(token);
        Connection connection = cluster.dataSource.getConnection()) {
      assertEquals("primary", servedBy(connection));
    }
    try (PinningContext forged =
            PinningContext.open(token.substring(0, token.length() - 2) + "xx");
        Connection connection = cluster.dataSource.getConnection()) {
      servedBy(connection);
    }
    try (PinningContext garbage = PinningContext.open("garbage");
        Connection connection = cluster.dataSource.getConnection()) {
      servedBy(connection);
    }
    assertEquals(
        List.of(
            new TokenDecision(TokenDecision.Outcome.HONOURED_PRIMARY, "primary", 0),
            new TokenDecision(TokenDecision.Outcome.IGNORED_BAD_SIGNATURE, null, 0),
            new TokenDecision(TokenDecision.Outcome.IGNORED_MALFORMED, null, 0)),
        recorder.of(TokenDecision.class));
  }

  @Test
  void aFailingListenerBreaksNothingAndIsLoggedOnce() throws Exception {
    try (CapturedLog log = CapturedLog.start()) {
      start(Map.of("balanced.listeners", List.of(new Failing(), recorder)));
      for (int i = 0; i < 3; i++) {
        try (Connection connection = cluster.dataSource.getConnection()) {
          servedBy(connection);
        }
      }
      assertEquals(3, recorder.of(ReadNodeChosen.class).size(), "the others are still told");
      assertEquals(1, log.count("Failing", "listener bug"), log.text());
    }
  }

  @Test
  void listenersCanBeNamedByClass() throws Exception {
    start(Map.of("balanced.listeners", CountingListener.class.getName()));
    CountingListener.reads.set(0);
    try (Connection connection = cluster.dataSource.getConnection()) {
      servedBy(connection);
    }
    assertEquals(1, CountingListener.reads.get());
  }

  /** Made by name from the setting. */
  public static final class CountingListener implements BalancedListener {
    static final java.util.concurrent.atomic.AtomicInteger reads =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void readNodeChosen(ReadNodeChosen event) {
      reads.incrementAndGet();
    }
  }

  @Test
  void aBadListenerClassFailsStartupByName() {
    BalancedConfigurationException missing =
        assertThrows(
            BalancedConfigurationException.class,
            () -> start(Map.of("balanced.listeners", "com.example.NoSuchListener")));
    assertTrue(
        missing.getMessage().contains("[com.example.NoSuchListener]")
            && missing.getMessage().contains("'balanced.listeners'"),
        missing.getMessage());
    BalancedConfigurationException notAListener =
        assertThrows(
            BalancedConfigurationException.class,
            () -> start(Map.of("balanced.listeners", String.class.getName())));
    assertTrue(notAListener.getMessage().contains("implements"), notAListener.getMessage());
  }

  @Test
  void healthShowsEachNodeWithItsPool() throws Exception {
    start(Map.of());
    List<NodeStatus> health = cluster.dataSource.health();
    assertEquals(List.of("primary", "r1", "r2"), health.stream().map(NodeStatus::name).toList());
    for (NodeStatus node : health) {
      assertEquals(NodeState.UP, node.state(), node.toString());
      assertNull(node.downSince());
      assertNull(node.lastError());
      assertTrue(node.maximumPoolSize() > 0);
    }
    assertTrue(health.get(0).primary());
    try (Connection connection = cluster.dataSource.getConnection()) {
      Queries.insertItem(connection, 1);
      assertEquals(1, cluster.dataSource.health().get(0).activeConnections(), "in use now");
    }
    assertNotNull(health.get(1).toString());
  }
}
