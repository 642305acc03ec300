package dev.balanced.hibernate.spi;

/**
 * For frameworks that start Balanced themselves and route more than Hibernate over it (the Spring
 * Boot starter routes its {@code DataSource} bean, {@code JdbcTemplate} and migrations over the
 * same pools): the persistence unit routes over their runtime instead of starting its own.
 */
public final class SharedRuntime {

  /**
   * Under this key in the persistence unit's properties, a running {@link
   * dev.balanced.spi.BalancedRuntime}. Then no {@code hibernate.balanced.*} setting may be present
   * (the runtime is configured already), and closing the session factory leaves the runtime open:
   * its owner closes it.
   */
  public static final String SETTING = "dev.balanced.hibernate.shared_runtime";

  private SharedRuntime() {}
}
