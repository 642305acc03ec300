package dev.balanced;

import static dev.balanced.Queries.servedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs only in the build's {@code without-micrometer} test run, whose class path lacks Micrometer
 * as most applications' does: Balanced works as before, and asking for metrics says what is
 * missing.
 */
class WithoutMicrometerTest {

  @Test
  void micrometerIsReallyAbsent() {
    assertThrows(
        ClassNotFoundException.class,
        () -> Class.forName("io.micrometer.core.instrument.MeterRegistry"));
  }

  @Test
  void routingAndHealthWorkWithoutIt() throws Exception {
    try (TestCluster cluster = TestCluster.start(Map.of(), "r1")) {
      try (Connection connection = cluster.dataSource.getConnection()) {
        assertEquals("r1", servedBy(connection));
        Queries.insertItem(connection, 1);
        assertEquals("primary", servedBy(connection));
      }
      assertEquals(2, cluster.dataSource.health().size());
    }
  }

  @Test
  void metricsTrueSaysWhatIsMissing() {
    BalancedConfigurationException e =
        assertThrows(
            BalancedConfigurationException.class,
            () -> TestCluster.start(Map.of("balanced.metrics", "true"), "r1").close());
    assertTrue(
        e.getMessage().contains("'balanced.metrics=true'")
            && e.getMessage().contains("io.micrometer:micrometer-core"),
        e.getMessage());
  }
}
