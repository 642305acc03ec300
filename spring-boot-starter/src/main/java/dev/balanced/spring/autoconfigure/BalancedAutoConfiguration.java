package dev.balanced.spring.autoconfigure;

import dev.balanced.BalancedDataSource;
import dev.balanced.boot.Bootstrap;
import dev.balanced.events.BalancedListener;
import dev.balanced.hibernate.spi.SharedRuntime;
import dev.balanced.spi.BalancedRuntime;
import dev.balanced.spi.TopologyMode;
import dev.balanced.spring.BalancedProperties;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * Balanced as the application's {@code DataSource}: one runtime (one HikariCP pool per node) that
 * the {@code DataSource} bean and Hibernate share, started from {@code spring.datasource.*} and
 * {@code balanced.*}. Runs before Boot's own DataSource configuration, which then backs off, so no
 * second pool opens to the primary. An application that defines its own {@code DataSource} bean
 * keeps it, and one that excludes Boot's DataSource auto-configuration gets none: Balanced stays
 * out of the way of both.
 */
@AutoConfiguration(
    before = DataSourceAutoConfiguration.class,
    beforeName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnClass({BalancedDataSource.class, DataSource.class})
@ConditionalOnMissingBean(DataSource.class)
@Conditional(OnDataSourceAutoConfigurationKept.class)
@EnableConfigurationProperties({BalancedProperties.class, DataSourceProperties.class})
public class BalancedAutoConfiguration {

  /** Started here, closed by the context after everything that routes over it. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  BalancedRuntime balancedRuntime(
      BalancedProperties properties,
      DataSourceProperties dataSource,
      Environment environment,
      ObjectProvider<BalancedListener> listeners) {
    Map<String, String> springHikari =
        Binder.get(environment)
            .bind("spring.datasource.hikari", Bindable.mapOf(String.class, String.class))
            .orElse(Map.of());
    // With topology=discover there is no one primary URL: Boot's data source gives what the nodes
    // share, as written (Boot's determine* would make up an embedded database's).
    boolean discover = properties.getTopology() == TopologyMode.DISCOVER;
    Map<String, Object> settings =
        CoreSettings.of(
            properties,
            properties.getPrimary().getUrl() != null || discover ? null : dataSource.determineUrl(),
            discover ? dataSource.getUsername() : dataSource.determineUsername(),
            discover ? dataSource.getPassword() : dataSource.determinePassword(),
            dataSource.getDriverClassName(),
            springHikari);
    return Bootstrap.start(
        Bootstrap.configure(settings, CoreSettings.PREFIX), listeners.orderedStream().toList());
  }

  /**
   * The routing DataSource that JdbcTemplate, JdbcClient and Spring Data JDBC use: each connection
   * is a unit of work that reads from a replica until it writes.
   */
  @Bean
  @Primary
  BalancedDataSource dataSource(BalancedRuntime runtime) {
    return BalancedDataSource.sharing(runtime);
  }

  /** Hibernate routes over the same runtime instead of starting pools of its own. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({HibernatePropertiesCustomizer.class, SharedRuntime.class})
  static class HibernateConfiguration {
    @Bean
    HibernatePropertiesCustomizer balancedHibernateProperties(BalancedRuntime runtime) {
      return properties -> properties.put(SharedRuntime.SETTING, runtime);
    }
  }
}
