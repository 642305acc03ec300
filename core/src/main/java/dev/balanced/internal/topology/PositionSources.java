package dev.balanced.internal.topology;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.internal.config.BalancedSettings;
import dev.balanced.internal.position.PositionDatabases;
import dev.balanced.internal.position.PositionSource;
import dev.balanced.spi.Secrets;
import dev.balanced.spi.Settings;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Decides at startup how replication positions are read, where anything needs them ({@code
 * consistency=position|lsn}, {@code max_replica_lag_ms}): by the primary's URL where it says
 * (jdbc:postgresql:, jdbc:mariadb:), else by asking the server what it is (jdbc:mysql: may reach a
 * MariaDB or a MySQL server). A server without positions Balanced can read fails startup, naming
 * the setting that needs them.
 */
final class PositionSources {
  private PositionSources() {}

  /**
   * The source, or null when nothing needs positions and the URL does not say which they are. Where
   * the URL says, positions are there even when nothing needs them: while the primary is down, its
   * reads go to the most advanced replica, which they tell.
   */
  static PositionSource choose(BalancedSettings settings, Node primary) {
    boolean forTokens = settings.consistency().mode().byPosition();
    PositionSource byUrl = PositionDatabases.byUrl(settings.primary().url());
    if (!forTokens && settings.maxReplicaLagMs() == 0) {
      return byUrl;
    }
    if (byUrl != null) {
      return byUrl;
    }
    String setting =
        forTokens
            ? settings.prefix()
                + Settings.CONSISTENCY.key()
                + "="
                + settings.consistency().mode().name().toLowerCase(Locale.ROOT)
            : settings.prefix()
                + Settings.MAX_REPLICA_LAG_MS.key()
                + "="
                + settings.maxReplicaLagMs();
    try (Connection connection = primary.connect()) {
      DatabaseMetaData metaData = connection.getMetaData();
      return PositionDatabases.byServer(
          metaData.getDatabaseProductName(), metaData.getDatabaseProductVersion());
    } catch (IllegalArgumentException e) {
      throw new BalancedConfigurationException(
          setting
              + " needs replication positions, but "
              + e.getMessage()
              + "; use "
              + (forTokens ? "consistency=time" : "max_replica_lag_ms=0")
              + " there");
    } catch (SQLException e) {
      throw new BalancedConfigurationException(
          setting
              + " needs to know which database the primary ["
              + Secrets.maskUrl(settings.primary().url())
              + "] is, and it cannot be asked: "
              + e.getMessage(),
          e);
    }
  }
}
