package dev.balanced.testing.mariadb;

import dev.balanced.testing.BinarySource;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class a {@link MariaCluster}: started once before the class's tests, closed
 * after them (also when they fail), and injected into any constructor, test or lifecycle method
 * parameter of type {@code MariaCluster}. {@code @Nested} classes share their enclosing class's
 * cluster.
 *
 * <pre>{@code
 * @MariaDbCluster(replicas = 2)
 * class RoutingTest {
 *   @Test
 *   void reads(MariaCluster cluster) throws SQLException { ... }
 * }
 * }</pre>
 *
 * <p>If MariaDB cannot be started, the class's tests fail with the reason; they are never skipped.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MariaDbClusterExtension.class)
public @interface MariaDbCluster {
  /** Number of replicas. */
  int replicas() default 1;

  /** {@code MASTER_DELAY} of the replicas, in seconds. */
  int applyDelaySeconds() default 0;

  /** The database to create; {@link MariaNode#jdbcUrl()} points at it. */
  String database() default "app";

  /** Extra server options for every server, as {@code "name=value"}. */
  String[] settings() default {};

  /**
   * Where the MariaDB programs come from; {@link BinarySource#AUTO} also honours the system
   * property {@value BinarySource#MARIADB_PROPERTY}.
   */
  BinarySource binaries() default BinarySource.AUTO;
}
