package dev.balanced.spring.autoconfigure;

import dev.balanced.metrics.BalancedMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Balanced's metrics (README "Observability") and each node's HikariCP pool in the application's
 * {@link MeterRegistry}: the metrics are a listener, which the runtime is started with (it takes
 * every {@code BalancedListener} bean). Runs after Boot's registry configuration, so that the
 * registry is known.
 */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({MeterRegistry.class, BalancedMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "balanced", name = "metrics", matchIfMissing = true)
public class BalancedMetricsAutoConfiguration {

  @Bean
  BalancedMetrics balancedMetrics(MeterRegistry registry) {
    return new BalancedMetrics(registry);
  }
}
