package dev.balanced.spring.autoconfigure;

import dev.balanced.PinningContext;
import dev.balanced.spi.BalancedRuntime;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.TaskDecorator;

/**
 * Jobs: Boot applies every {@link TaskDecorator} bean to the executors it builds ({@code @Async},
 * {@code applicationTaskExecutor}) and to its task scheduler. This one runs each task in a pinning
 * context of its own, seeded with the token of the context that submitted it: an {@code @Async}
 * method called after a write reads that write, and a {@code @Scheduled} method (decorated once,
 * when it is scheduled, outside any request) starts each run from a fresh context.
 */
@AutoConfiguration(
    after = BalancedAutoConfiguration.class,
    before = {TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class})
@ConditionalOnBean(BalancedRuntime.class)
public class BalancedTaskAutoConfiguration {

  @Bean
  TaskDecorator balancedTaskDecorator() {
    return PinningContext::task;
  }
}
