package dev.balanced.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.balanced.BalancedDataSource;
import dev.balanced.metrics.BalancedMetrics;
import dev.balanced.spi.BalancedRuntime;
import dev.balanced.spi.NodeInfo;
import dev.balanced.testing.H2Nodes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Which beans each situation gives: replicas or none, Balanced disabled, a DataSource of the
 * application's own, a web application or not, Actuator or Micrometer absent.
 */
class AutoConfigurationTest {
  private static final AutoConfigurations BALANCED =
      AutoConfigurations.of(
          dev.balanced.spring.autoconfigure.BalancedAutoConfiguration.class,
          dev.balanced.spring.autoconfigure.BalancedMigrationsConfiguration.class,
          dev.balanced.spring.autoconfigure.BalancedWebAutoConfiguration.class,
          dev.balanced.spring.autoconfigure.BalancedTaskAutoConfiguration.class,
          dev.balanced.spring.autoconfigure.BalancedHealthAutoConfiguration.class,
          dev.balanced.spring.autoconfigure.BalancedMetricsAutoConfiguration.class,
          DataSourceAutoConfiguration.class,
          JdbcTemplateAutoConfiguration.class,
          TaskExecutionAutoConfiguration.class);

  private H2Nodes nodes;
  private ApplicationContextRunner runner;

  @BeforeEach
  void start() {
    nodes = H2Nodes.start("r1");
    runner =
        new ApplicationContextRunner()
            .withConfiguration(BALANCED)
            .withPropertyValues(
                "spring.datasource.url=" + nodes.url("primary"),
                "spring.datasource.username=sa",
                "spring.datasource.password=",
                "spring.datasource.hikari.maximum-pool-size=3");
  }

  @AfterEach
  void stop() {
    nodes.close();
  }

  private String replica() {
    return "balanced.replicas.r1.url=" + nodes.url("r1");
  }

  private static String servedBy(DataSource dataSource) {
    return new JdbcTemplate(dataSource).queryForObject("select node from marker", String.class);
  }

  @Test
  void balancedIsTheDataSourceAndNoOtherPoolOpens() {
    runner
        .withPropertyValues(replica())
        .run(
            context -> {
              assertThat(context).hasSingleBean(BalancedRuntime.class);
              assertThat(context.getBean(DataSource.class)).isInstanceOf(BalancedDataSource.class);
              assertThat(context).doesNotHaveBean(HikariDataSource.class);
              BalancedRuntime runtime = context.getBean(BalancedRuntime.class);
              assertThat(runtime.nodes())
                  .extracting(NodeInfo::name)
                  .containsExactly("primary", "r1");
              // spring.datasource.hikari.* reaches the primary's pool and, inherited, the
              // replica's.
              assertThat(runtime.nodes())
                  .extracting(NodeInfo::maximumPoolSize)
                  .containsExactly(3, 3);
              JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
              assertThat(jdbc.queryForObject("select node from marker", String.class))
                  .isEqualTo("r1");
            });
  }

  @Test
  void aReplicaOverridesTheInheritedPoolSettingsInEitherSpelling() {
    runner
        .withPropertyValues(
            replica(),
            "balanced.replicas.r1.hikari.maximumPoolSize=5",
            "balanced.primary.hikari.minimum-idle=1")
        .run(
            context ->
                assertThat(context.getBean(BalancedRuntime.class).nodes())
                    .extracting(NodeInfo::maximumPoolSize, NodeInfo::minimumIdle)
                    .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(3, 1),
                        org.assertj.core.groups.Tuple.tuple(5, 1)));
  }

  @Test
  void jdbcTemplateWritesLandOnThePrimary() {
    nodes.executeEverywhere("create table item(id int primary key, name varchar(20))");
    runner
        .withPropertyValues(replica())
        .run(
            context -> {
              JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
              jdbc.update("insert into item values (1, 'one')");
              assertThat(nodes.count("primary", "item")).isEqualTo(1);
              assertThat(nodes.count("r1", "item")).isZero();
            });
  }

  @Test
  void withoutReplicasEverythingRunsOnThePrimary() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(BalancedRuntime.class);
          assertThat(servedBy(context.getBean(DataSource.class))).isEqualTo("primary");
        });
  }

  @Test
  void disabledSendsReadsToThePrimary() {
    runner
        .withPropertyValues(replica(), "balanced.enabled=false")
        .run(
            context ->
                assertThat(servedBy(context.getBean(DataSource.class))).isEqualTo("primary"));
  }

  @Test
  void anApplicationsOwnDataSourceIsKeptAndBalancedStaysOut() {
    runner
        .withPropertyValues(replica())
        .withUserConfiguration(OwnDataSource.class)
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(BalancedRuntime.class);
              assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
              assertThat(context.getBean(DataSource.class))
                  .isSameAs(context.getBean(OwnDataSource.class).dataSource);
            });
  }

  @Test
  void aPlainApplicationGetsNoFilterAndAWebOneGetsIt() {
    runner
        .withPropertyValues(replica())
        .run(context -> assertThat(context).doesNotHaveBean(FilterRegistrationBean.class));
    new WebApplicationContextRunner()
        .withConfiguration(BALANCED)
        .withPropertyValues("spring.datasource.url=" + nodes.url("primary"), replica())
        .run(
            context -> {
              FilterRegistrationBean<?> filter = context.getBean(FilterRegistrationBean.class);
              assertThat(filter.getOrder()).isEqualTo(-200);
              assertThat(filter.getUrlPatterns()).containsExactly("/*");
            });
    new WebApplicationContextRunner()
        .withConfiguration(BALANCED)
        .withPropertyValues(
            "spring.datasource.url=" + nodes.url("primary"),
            replica(),
            "balanced.web.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(FilterRegistrationBean.class));
  }

  @Test
  void healthAndMetricsNeedTheirLibraries() {
    runner
        .withPropertyValues(replica())
        .withBean(SimpleMeterRegistry.class)
        .run(
            context -> {
              assertThat(context).hasBean("balancedHealthContributor");
              assertThat(context).hasSingleBean(BalancedMetrics.class);
              servedBy(context.getBean(DataSource.class));
              assertThat(
                      context
                          .getBean(MeterRegistry.class)
                          .get("balanced.units.of.work")
                          .tag("node", "r1")
                          .counter()
                          .count())
                  .isEqualTo(1.0);
              // Each node's pool reports through HikariCP's own Micrometer tracker.
              for (String pool : new String[] {"balanced-primary", "balanced-r1"}) {
                assertThat(
                        context
                            .getBean(MeterRegistry.class)
                            .find("hikaricp.connections.max")
                            .tag("pool", pool)
                            .gauge())
                    .as(pool)
                    .isNotNull();
              }
            });
    runner
        .withPropertyValues(replica())
        .withClassLoader(new FilteredClassLoader(HealthContributor.class, MeterRegistry.class))
        .run(
            context -> {
              assertThat(context).hasSingleBean(BalancedRuntime.class);
              assertThat(context).doesNotHaveBean("balancedHealthContributor");
              assertThat(context).doesNotHaveBean(BalancedMetrics.class);
              assertThat(servedBy(context.getBean(DataSource.class))).isEqualTo("r1");
            });
    runner
        .withPropertyValues(replica(), "balanced.metrics=false")
        .withBean(SimpleMeterRegistry.class)
        .run(context -> assertThat(context).doesNotHaveBean(BalancedMetrics.class));
  }

  @Test
  void executorsCarryTheCallersContext() {
    runner
        .withPropertyValues(replica())
        .run(
            context -> {
              assertThat(context).hasSingleBean(TaskDecorator.class);
              ThreadPoolTaskExecutor executor = context.getBean(ThreadPoolTaskExecutor.class);
              // The decorated task runs in a context of its own: one is bound while it runs.
              boolean[] bound = new boolean[1];
              executor
                  .submitCompletable(() -> bound[0] = dev.balanced.PinningContext.current() != null)
                  .get();
              assertThat(bound[0]).isTrue();
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnDataSource {
    final HikariDataSource dataSource = new HikariDataSource();

    @Bean
    DataSource dataSource(org.springframework.core.env.Environment environment) {
      dataSource.setJdbcUrl(environment.getProperty("spring.datasource.url"));
      return dataSource;
    }
  }
}
