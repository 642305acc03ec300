package dev.balanced.servlet.testing;

import java.util.Locale;

/**
 * Where {@link RedisServer} takes its {@code redis-server} program from.
 *
 * <p>The default comes from the system property {@value #PROPERTY} ({@code auto}, {@code installed}
 * or {@code maven}), so a build can switch every test to the Maven-packaged binary without touching
 * code ({@code -Dbalanced.redis.binaries=maven}). An explicit program given by the environment
 * variable {@value #ENV_PROGRAM} (or the system property {@value #PROGRAM_PROPERTY}) wins over
 * both, and must work: it is never quietly replaced by another.
 */
public enum RedisBinarySource {
  /** An installed {@code redis-server} if there is one, else the one packaged in a Maven jar. */
  AUTO,
  /** Only an installed {@code redis-server}: on the PATH or in the usual bin and sbin folders. */
  INSTALLED,
  /**
   * Only the {@code redis-server} inside {@code org.signal:embedded-redis} (Linux x86-64 and
   * arm64), found on the class path and unpacked into a cache directory once.
   */
  MAVEN;

  /** System property that sets the default source. */
  public static final String PROPERTY = "balanced.redis.binaries";

  /** Environment variable naming the {@code redis-server} program to use. */
  public static final String ENV_PROGRAM = "REDIS_SERVER";

  /** System property naming the {@code redis-server} program to use. */
  public static final String PROGRAM_PROPERTY = "balanced.redis.server";

  /** The source named by {@value #PROPERTY}, or {@link #AUTO} when it is not set. */
  public static RedisBinarySource fromSystemProperty() {
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
