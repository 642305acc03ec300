package dev.balanced.spring.autoconfigure;

import dev.balanced.spi.BalancedRuntime;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Flyway and Liquibase migrate through the primary's pool, under their own qualifier: not a default
 * candidate, so an application that injects a {@code DataSource} still gets the routing one, and no
 * pool is added.
 */
@AutoConfiguration(
    after = BalancedAutoConfiguration.class,
    beforeName = {
      "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
      "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"
    })
@ConditionalOnBean(BalancedRuntime.class)
public class BalancedMigrationsConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(FlywayDataSource.class)
  static class Flyway {
    @Bean(defaultCandidate = false)
    @FlywayDataSource
    DataSource balancedFlywayDataSource(BalancedRuntime runtime) {
      return new PrimaryDataSource(runtime);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(LiquibaseDataSource.class)
  static class Liquibase {
    @Bean(defaultCandidate = false)
    @LiquibaseDataSource
    DataSource balancedLiquibaseDataSource(BalancedRuntime runtime) {
      return new PrimaryDataSource(runtime);
    }
  }
}
