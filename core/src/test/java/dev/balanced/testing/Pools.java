package dev.balanced.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.balanced.internal.routing.Router;
import dev.balanced.internal.topology.Node;

/** Connection-leak checks: every pool of a router must be back to zero active connections. */
public final class Pools {
  private Pools() {}

  public static void assertNoneActive(Router router) {
    StringBuilder leaks = new StringBuilder();
    for (Node node : router.topology().nodes()) {
      HikariPoolMXBean pool = node.pool().getHikariPoolMXBean();
      if (pool != null && pool.getActiveConnections() != 0) {
        leaks.append(node.name()).append('=').append(pool.getActiveConnections()).append(' ');
      }
    }
    if (leaks.length() > 0) {
      fail("Connections still active (leaked): " + leaks);
    }
  }
}
