package dev.balanced.spi;

import com.zaxxer.hikari.HikariConfig;

/**
 * Adjusts each node's HikariCP configuration before its pool starts: a listener that also
 * implements this can, say, set a metrics tracker. Balanced's own settings are applied first.
 */
public interface PoolCustomizer {

  /**
   * @param node "primary" or the replica's name
   * @param primary whether the node is the primary
   * @param config the pool's configuration, with Balanced's settings applied
   */
  void customize(String node, boolean primary, HikariConfig config);
}
