package dev.balanced.testing.pg;

import dev.balanced.testing.BinarySource;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class a {@link PgCluster}: started once before the class's tests, closed
 * after them (also when they fail), and injected into any constructor, test or lifecycle method
 * parameter of type {@code PgCluster}. {@code @Nested} classes share their enclosing class's
 * cluster.
 *
 * <pre>{@code
 * @PostgresCluster(standbys = 2, applyDelayMs = 300)
 * class ReadYourWritesTest {
 *   @Test
 *   void reads(PgCluster cluster) throws SQLException { ... }
 * }
 * }</pre>
 *
 * <p>If PostgreSQL cannot be started, the class's tests fail with the reason; they are never
 * skipped.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PostgresClusterExtension.class)
public @interface PostgresCluster {
  /** Number of hot standbys. */
  int standbys() default 1;

  /** {@code recovery_min_apply_delay} of the standbys, in milliseconds. */
  long applyDelayMs() default 0;

  /** The database to create; {@link PgNode#jdbcUrl()} points at it. */
  String database() default "app";

  /** Extra {@code postgresql.conf} settings for every server, as {@code "name=value"}. */
  String[] settings() default {};

  /**
   * Where the PostgreSQL programs come from; {@link BinarySource#AUTO} also honours the system
   * property {@value BinarySource#PG_PROPERTY}.
   */
  BinarySource binaries() default BinarySource.AUTO;
}
