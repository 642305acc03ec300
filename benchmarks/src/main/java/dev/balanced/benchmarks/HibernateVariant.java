package dev.balanced.benchmarks;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.FlushMode;
import org.hibernate.Session;
import org.hibernate.jdbc.Work;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * One way of running Hibernate, as a benchmark variant: its entity manager factory, what the
 * application does to begin and end a read transaction, and what to close after it.
 */
class HibernateVariant implements AutoCloseable {
  /**
   * {@code hibernate.connection.handling_mode} as Spring's {@code HibernateJpaVendorAdapter} sets
   * it: the connection is taken at the first use and held until the entity manager closes, so that
   * the transaction manager can prepare it before {@code begin}.
   */
  static final String SPRING_CONNECTION_HANDLING = "DELAYED_ACQUISITION_AND_HOLD";

  final EntityManagerFactory entityManagerFactory;
  private final List<AutoCloseable> resources;

  /**
   * @param resources closed after the factory, in this order: the pools under it
   */
  HibernateVariant(EntityManagerFactory entityManagerFactory, AutoCloseable... resources) {
    this.entityManagerFactory = entityManagerFactory;
    this.resources = List.of(resources);
  }

  /**
   * A variant whose application marks its read transactions the way Spring's {@code
   * JpaTransactionManager} and {@code HibernateJpaDialect} mark one of {@code
   * Transactional(readOnly = true)}: the marking only, not the transaction manager's own work.
   */
  static HibernateVariant markingReadOnly(
      EntityManagerFactory entityManagerFactory, AutoCloseable... resources) {
    return new SpringReadOnly(entityManagerFactory, resources);
  }

  void beginRead(EntityManager em) {
    em.getTransaction().begin();
  }

  void commitRead(EntityManager em) {
    em.getTransaction().commit();
  }

  /** The work between {@link #beginRead} and {@link #commitRead} failed: undo the marking. */
  void abandonRead(EntityManager em) {}

  @Override
  public void close() throws Exception {
    List<Exception> failures = new ArrayList<>();
    try {
      entityManagerFactory.close();
    } catch (RuntimeException e) {
      failures.add(e);
    }
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      Exception first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  /**
   * What Spring does around a read-only JPA transaction, in its order. {@code HibernateJpaDialect}
   * sets the session's connection read-only before {@code begin} (so that a routing driver such as
   * the AWS wrapper switches before the transaction starts), begins, makes the session read only by
   * default and its flush mode {@code MANUAL}; the transaction manager then marks the transaction
   * read-only for {@code TransactionSynchronizationManager}, which a routing data source asks at
   * the first statement. After the commit: the mark is cleared, then the dialect restores the flush
   * mode and makes the connection read-write again.
   */
  private static final class SpringReadOnly extends HibernateVariant {
    private static final Work READ_ONLY = connection -> connection.setReadOnly(true);
    private static final Work READ_WRITE = connection -> connection.setReadOnly(false);

    private FlushMode previousFlushMode;

    SpringReadOnly(EntityManagerFactory entityManagerFactory, AutoCloseable... resources) {
      super(entityManagerFactory, resources);
    }

    @Override
    void beginRead(EntityManager em) {
      Session session = em.unwrap(Session.class);
      session.doWork(READ_ONLY);
      em.getTransaction().begin();
      session.setDefaultReadOnly(true);
      previousFlushMode = session.getHibernateFlushMode();
      session.setHibernateFlushMode(FlushMode.MANUAL);
      TransactionSynchronizationManager.setCurrentTransactionReadOnly(true);
    }

    @Override
    void commitRead(EntityManager em) {
      try {
        em.getTransaction().commit();
      } catch (RuntimeException e) {
        try {
          reset(em);
        } catch (RuntimeException alsoFailed) {
          e.addSuppressed(alsoFailed);
        }
        throw e;
      }
      reset(em);
    }

    @Override
    void abandonRead(EntityManager em) {
      reset(em);
    }

    private void reset(EntityManager em) {
      TransactionSynchronizationManager.setCurrentTransactionReadOnly(false);
      Session session = em.unwrap(Session.class);
      session.setHibernateFlushMode(previousFlushMode);
      session.doWork(READ_WRITE);
    }
  }
}
