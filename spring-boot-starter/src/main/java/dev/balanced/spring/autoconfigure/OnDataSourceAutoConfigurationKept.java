package dev.balanced.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless the application excluded Boot's {@link DataSourceAutoConfiguration}
 * ({@code @SpringBootApplication(exclude = ...)} or {@code spring.autoconfigure.exclude}): an
 * application that says it wants no auto-configured DataSource gets none from Balanced either. Boot
 * records exclusions when it selects the auto-configurations, before any of their conditions run.
 */
final class OnDataSourceAutoConfigurationKept extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    String name = DataSourceAutoConfiguration.class.getName();
    if (context.getBeanFactory() != null
        && ConditionEvaluationReport.get(context.getBeanFactory()).getExclusions().contains(name)) {
      return ConditionOutcome.noMatch("the application excluded " + name);
    }
    return ConditionOutcome.match(name + " is not excluded");
  }
}
