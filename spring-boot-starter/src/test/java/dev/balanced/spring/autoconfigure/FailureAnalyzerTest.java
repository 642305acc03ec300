package dev.balanced.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.testing.H2Nodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/**
 * A wrong {@code balanced.*} property stops startup with Boot's failure report: the property in
 * Boot's form, the value unless it is a secret, and what to do.
 */
class FailureAnalyzerTest {
  private H2Nodes nodes;
  private WebApplicationContextRunner runner;

  @BeforeEach
  void start() {
    nodes = H2Nodes.start("r1");
    runner =
        new WebApplicationContextRunner()
            .withConfiguration(
                AutoConfigurations.of(
                    BalancedAutoConfiguration.class, BalancedWebAutoConfiguration.class))
            .withPropertyValues(
                "spring.datasource.url=" + nodes.url("primary"),
                "balanced.replicas.standby1.url=" + nodes.url("r1"));
  }

  @AfterEach
  void stop() {
    nodes.close();
  }

  /** What Boot would print for the startup failure of a context with {@code properties}. */
  private FailureAnalysis analysis(String... properties) {
    FailureAnalysis[] analysis = new FailureAnalysis[1];
    runner
        .withPropertyValues(properties)
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable failure = context.getStartupFailure();
              assertThat(failure).hasRootCauseInstanceOf(BalancedConfigurationException.class);
              analysis[0] = new BalancedFailureAnalyzer().analyze(failure);
            });
    assertThat(analysis[0]).as("a failure analysis").isNotNull();
    return analysis[0];
  }

  @Test
  void aMalformedNumberIsNamedInBootsForm() {
    FailureAnalysis analysis = analysis("balanced.max-replica-lag-ms=-5");
    assertThat(analysis.getDescription())
        .contains("'balanced.max-replica-lag-ms'")
        .contains("-5")
        .doesNotContain("max_replica_lag_ms");
    assertThat(analysis.getAction()).contains("balanced.*");
  }

  @Test
  void aReplicaWithoutUrlIsNamedByItsName() {
    FailureAnalysis analysis = analysis("balanced.replicas.standby2.weight=2");
    assertThat(analysis.getDescription()).contains("balanced.replicas.standby2.url");
  }

  @Test
  void aShortSecretIsRefusedWithoutBeingShown() {
    FailureAnalysis analysis =
        analysis("balanced.consistency=time", "balanced.token-secret=hunter2-is-not-long");
    assertThat(analysis.getDescription())
        .contains("'balanced.token-secret'")
        .doesNotContain("hunter2");
  }

  @Test
  void aWebPropertyIsNamedAsAProperty() {
    FailureAnalysis analysis = analysis("balanced.web.cookie-name=bad name");
    assertThat(analysis.getDescription())
        .contains("property 'balanced.web.cookie-name'")
        .doesNotContain("init-param");
  }

  @Test
  void bootFindsTheAnalyzer() throws Exception {
    // Ours, not the merged view: every jar's spring.factories has the same key.
    java.net.URL ours = BalancedFailureAnalyzer.class.getResource("/META-INF/spring.factories");
    assertThat(
            PropertiesLoaderUtils.loadProperties(new org.springframework.core.io.UrlResource(ours))
                .getProperty("org.springframework.boot.diagnostics.FailureAnalyzer"))
        .isEqualTo(BalancedFailureAnalyzer.class.getName());
  }
}
