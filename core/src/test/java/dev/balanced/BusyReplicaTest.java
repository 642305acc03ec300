package dev.balanced;

import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica whose pool has no free connection is busy, not down: the read that times out fails as
 * it would without Balanced, and the replica stays in the selection. Taking it out would move the
 * load onto the primary exactly when the system is busiest.
 */
class BusyReplicaTest {
  private TestCluster cluster;

  @AfterEach
  void closeCluster() {
    cluster.close();
  }

  @Test
  void aReplicaWithEveryConnectionInUseIsNotTakenOutOfTheSelection() throws Exception {
    cluster =
        TestCluster.start(
            Map.of(
                "balanced.replicas.r1.hikari.maximumPoolSize", "1",
                "balanced.replicas.r1.hikari.connectionTimeout", "250"),
            "r1");
    try (Connection holder = cluster.dataSource.getConnection()) {
      assertEquals("r1", servedBy(holder));
      try (Connection waiting = cluster.dataSource.getConnection()) {
        SQLTransientConnectionException timedOut =
            assertThrows(SQLTransientConnectionException.class, () -> servedBy(waiting));
        assertNull(timedOut.getCause(), "no connection failure: the pool was only busy");
      }
    }
    try (Connection later = cluster.dataSource.getConnection()) {
      assertEquals("r1", servedBy(later));
      assertEquals("selector", session(later).routeReason());
    }
  }
}
