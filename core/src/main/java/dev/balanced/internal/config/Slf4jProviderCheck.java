package dev.balanced.internal.config;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Balanced logs through SLF4J, which without a provider drops every line, the WARN when a replica
 * is down included, while Hibernate's own log (JBoss Logging, which falls back to
 * java.util.logging) still shows. So once per JVM, when Balanced starts, the missing provider is
 * reported through {@link System.Logger}, which always reaches the console.
 */
public final class Slf4jProviderCheck {
  private Slf4jProviderCheck() {}

  /** The warning is about the JVM's classpath, which does not change: once is enough. */
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  /** slf4j-nop's provider: an application that adds it chose silence, and is not warned. */
  private static final String NOP_PROVIDER = "org.slf4j.nop.NOPServiceProvider";

  static final String WARNING =
      "Balanced logs through SLF4J, and no SLF4J provider is bound: its log, the WARN when a"
          + " replica is down or behind included, goes nowhere. Add a provider to the classpath,"
          + " e.g. org.slf4j:slf4j-simple, ch.qos.logback:logback-classic (1.3 or later) or"
          + " org.apache.logging.log4j:log4j-slf4j2-impl; providers written for SLF4J 1.7 (logback"
          + " 1.2, slf4j-log4j12) are ignored by SLF4J 2.";

  /** Warns, the first time in this JVM, when SLF4J has no provider to write Balanced's log. */
  public static void warnOnceIfUnbound() {
    if (isUnbound(LoggerFactory.getILoggerFactory(), nopProviderPresent())
        && WARNED.compareAndSet(false, true)) {
      System.getLogger("dev.balanced.config").log(System.Logger.Level.WARNING, WARNING);
    }
  }

  /**
   * Whether SLF4J fell back to discarding everything: SLF4J 2 then hands out its {@link
   * NOPLoggerFactory}, as it does when no provider is found or only SLF4J 1.7 bindings are.
   * slf4j-nop hands out the same class on purpose, hence {@code nopChosen}.
   */
  public static boolean isUnbound(ILoggerFactory factory, boolean nopChosen) {
    return factory instanceof NOPLoggerFactory && !nopChosen;
  }

  private static boolean nopProviderPresent() {
    try {
      Class.forName(NOP_PROVIDER, false, LoggerFactory.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
