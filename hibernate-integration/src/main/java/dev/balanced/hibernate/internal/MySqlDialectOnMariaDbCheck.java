package dev.balanced.hibernate.internal;

import java.sql.Connection;
import java.sql.SQLException;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.dialect.MySQLDialect;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.integrator.spi.Integrator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns once at startup when the application chose a MySQL dialect ({@code hibernate.dialect}) for
 * a MariaDB server: MariaDB rejects the {@code for update of <alias>} that dialect writes for
 * pessimistic locks, so the first such query would fail in production instead. Left unset, the
 * dialect is right by itself (see {@link MariaDbBehindMySqlDriver}). Costs one look at the
 * primary's metadata, and only where a MySQL dialect is in use.
 */
public final class MySqlDialectOnMariaDbCheck implements Integrator {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.config");

  @Override
  public void integrate(
      Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor factory) {
    MultiTenantConnectionProvider<?> provider =
        factory.getServiceRegistry().getService(MultiTenantConnectionProvider.class);
    Dialect dialect = factory.getJdbcServices().getDialect();
    if (!(provider instanceof RoutingConnectionProvider routing)
        || !(dialect instanceof MySQLDialect)
        || dialect instanceof MariaDBDialect) {
      return;
    }
    String version;
    try (Connection connection = routing.getAnyConnection()) {
      version = connection.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      // The primary is down at startup: Hibernate's own start reports that better.
      return;
    }
    if (version != null && version.contains("MariaDB")) {
      LOG.warn(
          "hibernate.dialect is {} but the primary is MariaDB ({}): MariaDB rejects the 'for update"
              + " of <alias>' it writes for pessimistic locks. Set"
              + " hibernate.dialect=org.hibernate.dialect.MariaDBDialect, or leave hibernate.dialect"
              + " unset and Balanced picks it",
          dialect.getClass().getName(),
          MariaDbBehindMySqlDriver.realVersion(version));
    }
  }
}
