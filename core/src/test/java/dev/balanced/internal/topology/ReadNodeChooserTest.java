package dev.balanced.internal.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.internal.position.ReplicationPosition;
import dev.balanced.spi.SelectorKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules for choosing a read node, in one place: the selector's choice for a new unit of work,
 * {@code usingReplica()} and read-your-writes. Nodes' pools never connect here; health is set
 * directly, and time is a clock the test moves.
 */
class ReadNodeChooserTest {
  private final AtomicLong clock = new AtomicLong();
  private final List<HikariDataSource> pools = new ArrayList<>();

  @AfterEach
  void closePools() {
    pools.forEach(HikariDataSource::close);
  }

  private Node node(String name, int index, int weight) {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl("jdbc:h2:mem:never-connected");
    pool.setMinimumIdle(0); // does not reconnect on its own: down nodes wait for their retry
    pools.add(pool);
    return new Node(
        name, index, index == 0, weight, pool, 10, clock::get, NodeHealth.Listener.NONE, null);
  }

  private final Node primary = node("primary", 0, 1);
  private final Node r1 = node("r1", 1, 1);
  private final Node r2 = node("r2", 2, 1);
  private final Node idle = node("idle", 3, 0);

  private ReadNodeChooser chooser(SelectorKind kind) {
    List<Node> replicas = List.of(r1, r2, idle);
    return new ReadNodeChooser(primary, replicas, replicas, kind);
  }

  private static Set<String> choicesOf(ReadNodeChooser chooser, int units) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < units; i++) {
      names.add(chooser.forNewUnitOfWork().name());
    }
    return names;
  }

  @Test
  void aNewUnitOfWorkGetsTheSelectorsChoiceAmongUsableReadNodes() {
    ReadNodeChooser chooser = chooser(SelectorKind.ROUND_ROBIN);
    assertEquals(Set.of("r1", "r2", "idle"), choicesOf(chooser, 30));

    r1.health().markDown();
    idle.lagMeasured(900, 500);
    assertEquals(Set.of("r2"), choicesOf(chooser, 30), "down and behind are left out");
  }

  @Test
  void weightZeroNeverServesANewUnitOfWork() {
    assertEquals(Set.of("r1", "r2"), choicesOf(chooser(SelectorKind.WEIGHTED), 200));
  }

  @Test
  void withNoUsableReplicaThePrimaryServesAndSaysWhy() {
    ReadNodeChooser chooser = chooser(SelectorKind.RANDOM);
    r1.health().markDown();
    r2.health().markDown();
    idle.health().markDown();

    Node node = chooser.forNewUnitOfWork();
    assertSame(primary, node);
    assertTrue(chooser.isFallback(node));
    assertFalse(chooser.anyReachableReplicaBehind(), "none can be reached");

    r2.health().markUp();
    r2.lagMeasured(900, 500);
    assertSame(primary, chooser.forNewUnitOfWork());
    assertTrue(chooser.anyReachableReplicaBehind(), "r2 can be reached, and is behind");
  }

  @Test
  void aDownReplicaWhoseRetryIsDueGoesToOneUnitOfWork() {
    ReadNodeChooser chooser = chooser(SelectorKind.ROUND_ROBIN);
    r2.health().markDown();
    idle.health().markDown();
    r1.health().markDown();
    clock.addAndGet(TimeUnit.SECONDS.toNanos(10));

    List<String> units = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      units.add(chooser.forNewUnitOfWork().name());
    }
    assertEquals(1, units.stream().filter("r1"::equals).count(), units.toString());
    assertEquals(1, units.stream().filter("r2"::equals).count(), units.toString());
  }

  @Test
  void usingReplicaPrefersServingReplicasAndTakesAWeightZeroOneOverThePrimary() {
    ReadNodeChooser chooser = chooser(SelectorKind.WEIGHTED);
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      picked.add(chooser.anyUsableReplica().name());
    }
    assertEquals(Set.of("r1", "r2"), picked);

    r1.health().markDown();
    r2.lagMeasured(900, 500);
    assertSame(idle, chooser.anyUsableReplica(), "weight 0, but usable");

    idle.health().markDown();
    assertNull(chooser.anyUsableReplica());
  }

  @Test
  void readYourWritesTakesThePreferredReplicaOrTheFirstCaughtUpOneAndAsksOnlyCandidates() {
    ReadNodeChooser chooser = chooser(SelectorKind.WEIGHTED);
    Map<Node, Long> positions = Map.of(r1, 100L, r2, 300L, idle, 500L);
    List<String> asked = new ArrayList<>();
    Function<Node, ReplicationPosition> positionOf =
        node -> {
          asked.add(node.name());
          return ReplicationPosition.wal(positions.get(node));
        };

    assertSame(
        r2,
        chooser.caughtUp(r2, ReplicationPosition.wal(200), positionOf),
        "the preferred one has it");
    assertEquals(List.of("r2"), asked);

    asked.clear();
    assertSame(
        r2,
        chooser.caughtUp(r1, ReplicationPosition.wal(200), positionOf),
        "the first that has it");
    assertEquals(List.of("r1", "r2"), asked);

    asked.clear();
    assertNull(
        chooser.caughtUp(r1, ReplicationPosition.wal(400), positionOf),
        "weight 0 serves no reads, however far");
    assertEquals(List.of("r1", "r2"), asked, "the weight-0 replica is not asked");

    asked.clear();
    r2.health().markDown();
    assertNull(chooser.caughtUp(r1, ReplicationPosition.wal(200), positionOf));
    assertEquals(List.of("r1"), asked, "a down replica is not asked");
  }

  // ---- while the primary is down --------------------------------------------------------------

  private static ReplicationPosition wal(long lsn) {
    return ReplicationPosition.wal(1, lsn);
  }

  @Test
  void withThePrimaryDownAReplicaThatHasTheWriteStandsIn() {
    ReadNodeChooser chooser = chooser(SelectorKind.RANDOM);
    Map<Node, ReplicationPosition> at = Map.of(r1, wal(100), r2, wal(300), idle, wal(200));
    assertSame(r2, chooser.standInForPrimary(wal(250), at::get), "the first that has the write");
    assertSame(r1, chooser.standInForPrimary(wal(50), at::get), "in configuration order");
  }

  @Test
  void withThePrimaryDownAndNoReplicaHavingTheWriteTheMostAdvancedStandsIn() {
    ReadNodeChooser chooser = chooser(SelectorKind.RANDOM);
    Map<Node, ReplicationPosition> at = Map.of(r1, wal(100), r2, wal(300), idle, wal(400));
    assertSame(
        idle,
        chooser.standInForPrimary(wal(500), at::get),
        "even of weight 0: with the primary gone it has the newest data there is");
    idle.health().markDown();
    assertSame(r2, chooser.standInForPrimary(wal(500), at::get), "one that can be reached");
    r2.lagMeasured(900, 500);
    assertSame(
        r2, chooser.standInForPrimary(ReplicationPosition.NONE, at::get), "behind, but furthest");
  }

  @Test
  void withThePrimaryDownAndNoPositionsAUsableReplicaStandsInElseAnyReachableOne() {
    ReadNodeChooser chooser = chooser(SelectorKind.RANDOM);
    r1.health().markDown();
    idle.health().markDown();
    assertSame(r2, chooser.standInForPrimary(ReplicationPosition.NONE, null));
    r2.lagMeasured(900, 500);
    assertSame(r2, chooser.standInForPrimary(ReplicationPosition.NONE, null), "behind beats none");
    r2.health().markDown();
    assertNull(chooser.standInForPrimary(ReplicationPosition.NONE, null), "none can be reached");
  }
}
