package dev.balanced.testing;

import java.util.Locale;

/**
 * Where a test cluster takes its server programs from: {@link dev.balanced.testing.pg.PgCluster}
 * PostgreSQL's, {@link dev.balanced.testing.mariadb.MariaCluster} MariaDB's.
 *
 * <p>The default comes from a system property ({@value #PG_PROPERTY} or {@value #MARIADB_PROPERTY}:
 * {@code auto}, {@code installed} or {@code maven}), so a build can switch every cluster to the
 * Maven-packaged binaries without touching code.
 */
public enum BinarySource {
  /** An installed server if there is one, else the binaries packaged in a Maven artifact. */
  AUTO,
  /** Only an installed server (see each cluster for where it looks). */
  INSTALLED,
  /**
   * Only the binaries packaged in a Maven artifact on the class path, unpacked into a cache
   * directory once.
   */
  MAVEN;

  /** System property that sets the default source of PostgreSQL clusters. */
  public static final String PG_PROPERTY = "balanced.pg.binaries";

  /** System property that sets the default source of MariaDB clusters. */
  public static final String MARIADB_PROPERTY = "balanced.mariadb.binaries";

  /** The source the system property names, or {@link #AUTO} when it is not set. */
  public static BinarySource fromSystemProperty(String property) {
    String value = System.getProperty(property, "").trim();
    if (value.isEmpty()) {
      return AUTO;
    }
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "-D" + property + "=" + value + " is not one of auto, installed, maven", e);
    }
  }
}
