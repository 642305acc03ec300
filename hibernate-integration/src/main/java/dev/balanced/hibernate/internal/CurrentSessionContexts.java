package dev.balanced.hibernate.internal;

import dev.balanced.BalancedConfigurationException;
import org.hibernate.boot.registry.classloading.spi.ClassLoaderService;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.context.internal.JTASessionContext;
import org.hibernate.context.internal.ManagedSessionContext;
import org.hibernate.context.internal.ThreadLocalSessionContext;
import org.hibernate.context.spi.CurrentSessionContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatform;

/**
 * The {@code getCurrentSession()} context of Balanced's session factory, chosen as Hibernate
 * chooses its own ({@code hibernate.current_session_context_class}: {@code jta}, {@code thread},
 * {@code managed} or a class; unset, {@code jta} when a transaction manager is at hand). Hibernate
 * builds its own over the factory Balanced wraps, so its sessions would bypass Balanced (unrouted,
 * on the primary), and its {@code thread} and {@code managed} contexts would be keyed by that
 * factory while the sessions an application binds report Balanced's.
 */
final class CurrentSessionContexts {
  private CurrentSessionContexts() {}

  /** The context of {@code factory}, or {@code null} when none is configured. */
  static CurrentSessionContext of(SessionFactoryImplementor factory) {
    Object type = factory.getProperties().get(AvailableSettings.CURRENT_SESSION_CONTEXT_CLASS);
    if (type == null) {
      return transactionManagerAtHand(factory) ? new JTASessionContext(factory) : null;
    }
    String name = type instanceof Class<?> contextClass ? contextClass.getName() : type.toString();
    return switch (name) {
      case "jta" -> new JTASessionContext(factory);
      case "thread" -> new ThreadLocalSessionContext(factory);
      case "managed" -> new ManagedSessionContext(factory);
      default -> custom(factory, name);
    };
  }

  private static boolean transactionManagerAtHand(SessionFactoryImplementor factory) {
    try {
      return factory
              .getServiceRegistry()
              .requireService(JtaPlatform.class)
              .retrieveTransactionManager()
          != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * An application's own context class, given the factory as Hibernate gives it. Hibernate logs a
   * failure here and leaves {@code getCurrentSession()} to fail later; it fails startup instead.
   */
  private static CurrentSessionContext custom(SessionFactoryImplementor factory, String name) {
    try {
      return (CurrentSessionContext)
          factory
              .getServiceRegistry()
              .requireService(ClassLoaderService.class)
              .classForName(name)
              .getConstructor(SessionFactoryImplementor.class)
              .newInstance(factory);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new BalancedConfigurationException(
          "Invalid value ["
              + name
              + "] for setting '"
              + AvailableSettings.CURRENT_SESSION_CONTEXT_CLASS
              + "': expected jta, thread, managed or a CurrentSessionContext class with a public"
              + " constructor taking a SessionFactoryImplementor ("
              + e
              + ")",
          e);
    }
  }
}
