package dev.balanced.spring.autoconfigure;

import dev.balanced.events.NodeState;
import dev.balanced.events.NodeStatus;
import dev.balanced.spi.BalancedRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * Actuator's {@code /actuator/health} shows a {@code balanced} component with one entry per node:
 * its state, a replica's lag, the last error and the pool's active, idle and waiting connections.
 * The primary down is {@code DOWN}. A replica down or behind is {@value #DEGRADED}: the application
 * still serves (its reads go elsewhere), so it must not be reported out of service, yet an operator
 * sees it.
 */
@AutoConfiguration(after = BalancedAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(BalancedRuntime.class)
public class BalancedHealthAutoConfiguration {
  /** The status of a replica that serves no reads now; HTTP 200 unless mapped otherwise. */
  public static final String DEGRADED = "DEGRADED";

  @Bean
  HealthContributor balancedHealthContributor(BalancedRuntime runtime) {
    Map<String, HealthContributor> nodes = new LinkedHashMap<>();
    for (NodeStatus node : runtime.health()) {
      String name = node.name();
      nodes.put(name, (HealthIndicator) () -> health(find(runtime, name)));
    }
    return CompositeHealthContributor.fromMap(nodes);
  }

  private static NodeStatus find(BalancedRuntime runtime, String name) {
    for (NodeStatus node : runtime.health()) {
      if (node.name().equals(name)) {
        return node;
      }
    }
    throw new IllegalStateException("No node " + name);
  }

  static Health health(NodeStatus node) {
    Status status =
        node.state() == NodeState.UP
            ? Status.UP
            : node.primary() ? Status.DOWN : new Status(DEGRADED, describe(node.state()));
    Health.Builder health = Health.status(status);
    health.withDetail("role", node.primary() ? "primary" : "replica");
    health.withDetail("state", node.state().toString());
    if (!node.primary() && node.lagMillis() >= 0) {
      health.withDetail("lagMs", node.lagMillis());
    }
    if (node.downSince() != null) {
      health.withDetail("downSince", node.downSince().toString());
    }
    if (node.lastError() != null) {
      health.withDetail("lastError", node.lastError());
    }
    health.withDetail("poolActive", node.activeConnections());
    health.withDetail("poolIdle", node.idleConnections());
    health.withDetail("poolWaiting", node.waitingThreads());
    health.withDetail("poolMax", node.maximumPoolSize());
    return health.build();
  }

  private static String describe(NodeState state) {
    return state == NodeState.BEHIND
        ? "behind the primary by more than balanced.max-replica-lag-ms: serves no reads"
        : "unreachable: serves no reads";
  }
}
