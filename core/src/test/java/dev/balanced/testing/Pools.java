package dev.balanced.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.balanced.internal.routing.Router;
import dev.balanced.internal.topology.Node;

/** Connection-leak checks: every pool of a router must be back to zero active connections. */
public final class Pools {
  private Pools() {}

  /**
   * Fails unless every pool is back to zero active connections within 2 s. The wait is for
   * Balanced's own replica lag monitor, which holds a connection for a moment every {@code
   * replica_lag_check_ms}; a leaked connection stays active.
   */
  public static void assertNoneActive(Router router) {
    long deadline = System.nanoTime() + 2_000_000_000L;
    String leaks = activeConnections(router);
    while (!leaks.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      leaks = activeConnections(router);
    }
    if (!leaks.isEmpty()) {
      fail("Connections still active (leaked): " + leaks);
    }
  }

  private static String activeConnections(Router router) {
    StringBuilder active = new StringBuilder();
    for (Node node : router.topology().nodes()) {
      HikariPoolMXBean pool = node.pool().getHikariPoolMXBean();
      if (pool != null && pool.getActiveConnections() != 0) {
        active.append(node.name()).append('=').append(pool.getActiveConnections()).append(' ');
      }
    }
    return active.toString();
  }
}
