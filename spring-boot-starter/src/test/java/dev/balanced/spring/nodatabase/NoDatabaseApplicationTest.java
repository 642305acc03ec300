package dev.balanced.spring.nodatabase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balanced.spi.BalancedRuntime;
import dev.balanced.testing.H2Nodes;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application (or a test of one, as Spring PetClinic's CrashControllerIntegrationTests) that
 * excludes Boot's DataSource and JPA auto-configuration wants no database: Balanced gives it none,
 * although {@code balanced.*} properties are set for the rest of the application.
 */
class NoDatabaseApplicationTest {

  @SpringBootApplication(
      exclude = {DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class})
  static class WithoutDatabase {}

  @Test
  void excludingBootsDataSourceConfigurationLeavesBalancedOutToo() {
    try (H2Nodes nodes = H2Nodes.start("r1");
        ConfigurableApplicationContext context =
            new SpringApplicationBuilder(WithoutDatabase.class)
                .web(WebApplicationType.NONE)
                .properties(
                    "spring.main.banner-mode=off",
                    "spring.datasource.url=" + nodes.url("primary"),
                    "balanced.replicas.r1.url=" + nodes.url("r1"))
                .run()) {
      assertThat(context.getBeansOfType(BalancedRuntime.class)).isEmpty();
      assertThat(context.getBeansOfType(DataSource.class)).isEmpty();
    }
  }
}
