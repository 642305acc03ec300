package dev.balanced;

import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which node serves a connection's reads, per {@code balanced.replica_selector}. */
class ReplicaSelectionTest {
  private static final int SESSIONS = 200;

  private TestCluster cluster;

  private BalancedDataSource start(Map<String, String> settings, String... replicas) {
    cluster = TestCluster.start(settings, replicas);
    return cluster.dataSource;
  }

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The node serving the reads of each of {@code count} successive connections. */
  private List<String> readNodes(int count) throws Exception {
    List<String> served = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      try (Connection connection = cluster.dataSource.getConnection()) {
        served.add(servedBy(connection));
      }
    }
    return served;
  }

  private static Map<String, Integer> histogram(List<String> served) {
    Map<String, Integer> counts = new HashMap<>();
    served.forEach(node -> counts.merge(node, 1, Integer::sum));
    return counts;
  }

  @Test
  void roundRobinAlternatesBetweenTwoReplicas() throws Exception {
    start(Map.of("balanced.replica_selector", "round_robin"), "r1", "r2");
    List<String> served = readNodes(10);
    for (int i = 1; i < served.size(); i++) {
      assertNotEquals(served.get(i - 1), served.get(i), "sessions in turn: " + served);
    }
    assertEquals(Map.of("r1", 5, "r2", 5), histogram(served));
  }

  @Test
  void roundRobinWithThreeReplicasVisitsEachInTurn() throws Exception {
    start(Map.of("balanced.replica_selector", "round_robin"), "r1", "r2", "r3");
    List<String> served = readNodes(9);
    assertEquals(served.subList(0, 3), served.subList(3, 6));
    assertEquals(served.subList(0, 3), served.subList(6, 9));
    assertEquals(Map.of("r1", 3, "r2", 3, "r3", 3), histogram(served));
  }

  @Test
  void weightedNeverPicksAWeightZeroReplica() throws Exception {
    start(
        Map.of(
            "balanced.replica_selector", "weighted",
            "balanced.replicas.r1.weight", "3",
            "balanced.replicas.r2.weight", "0"),
        "r1",
        "r2");
    assertEquals(Map.of("r1", SESSIONS), histogram(readNodes(SESSIONS)));
  }

  @Test
  void weightZeroReplicaIsStillReachableByName() throws Exception {
    start(
        Map.of(
            "balanced.replica_selector", "weighted",
            "balanced.replicas.r1.weight", "3",
            "balanced.replicas.r2.weight", "0"),
        "r1",
        "r2");
    try (Connection connection = cluster.dataSource.getConnection();
        BalancedSession.Scope scope = session(connection).usingEngine("r2")) {
      assertEquals("r2", servedBy(connection));
    }
  }

  @Test
  void weightedSpreadsReadsByWeight() throws Exception {
    start(
        Map.of(
            "balanced.replica_selector", "weighted",
            "balanced.replicas.r1.weight", "1",
            "balanced.replicas.r2.weight", "1"),
        "r1",
        "r2");
    Map<String, Integer> counts = histogram(readNodes(SESSIONS));
    assertTrue(
        counts.getOrDefault("r1", 0) > 0 && counts.getOrDefault("r2", 0) > 0, counts.toString());
  }

  @Test
  void randomPicksEveryReplicaOverManySessions() throws Exception {
    start(Map.of("balanced.replica_selector", "random"), "r1", "r2");
    Map<String, Integer> counts = histogram(readNodes(SESSIONS));
    assertEquals(2, counts.size(), counts.toString());
    assertTrue(counts.keySet().containsAll(List.of("r1", "r2")), counts.toString());
  }

  @Test
  void primaryNeverServesReadsByDefault() throws Exception {
    start(Map.of("balanced.replica_selector", "round_robin"), "r1");
    assertEquals(Map.of("r1", 10), histogram(readNodes(10)));
  }

  @Test
  void primaryServesReadsWhenAllowed() throws Exception {
    start(
        Map.of(
            "balanced.replica_selector", "round_robin",
            "balanced.primary.serves_reads", "true"),
        "r1");
    assertEquals(Map.of("primary", 5, "r1", 5), histogram(readNodes(10)));
  }

  @Test
  void primaryServesReadsWithRandomSelectionToo() throws Exception {
    start(Map.of("balanced.primary.serves_reads", "true"), "r1", "r2");
    Map<String, Integer> counts = histogram(readNodes(SESSIONS));
    assertEquals(3, counts.size(), counts.toString());
  }

  @Test
  void usingReplicaLeavesThePrimaryWhenTheSelectorChoseIt() throws Exception {
    start(
        Map.of(
            "balanced.replica_selector", "round_robin",
            "balanced.primary.serves_reads", "true"),
        "r1");
    for (int i = 0; i < 4; i++) {
      try (Connection connection = cluster.dataSource.getConnection()) {
        try (BalancedSession.Scope scope = session(connection).usingReplica()) {
          assertEquals("r1", servedBy(connection));
        }
      }
    }
  }

  @Test
  void usingReplicaNeverPicksAWeightZeroReplica() throws Exception {
    start(
        Map.of(
            "balanced.replica_selector", "weighted",
            "balanced.primary.serves_reads", "true",
            "balanced.replicas.r1.weight", "1",
            "balanced.replicas.r2.weight", "0"),
        "r1",
        "r2");
    List<String> served = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      try (Connection connection = cluster.dataSource.getConnection();
          BalancedSession.Scope scope = session(connection).usingReplica()) {
        served.add(servedBy(connection));
      }
    }
    assertEquals(Map.of("r1", SESSIONS), histogram(served));
  }

  @Test
  void aPinnedSessionReadsFromThePrimaryWhateverTheSelectorChose() throws Exception {
    start(Map.of("balanced.replica_selector", "round_robin"), "r1", "r2");
    for (int i = 0; i < 4; i++) {
      try (Connection connection = cluster.dataSource.getConnection()) {
        session(connection).pin();
        assertEquals("primary", servedBy(connection));
      }
    }
  }
}
