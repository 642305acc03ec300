package dev.balanced.it.mariadb;

import dev.balanced.it.replication.MariaDatabase;
import dev.balanced.it.replication.RoutingScenarios;
import dev.balanced.testing.mariadb.MariaCluster;
import dev.balanced.testing.mariadb.MariaDbCluster;

/**
 * The routing scenarios on a real MariaDB primary with two GTID replicas, through the MariaDB
 * driver. The replicas run with {@code read_only=1}, which refuses the application user's writes,
 * DDL and sequence calls; {@code @@read_only} and {@code @@port} show which node served a read.
 */
@MariaDbCluster(replicas = 2)
class MariaDbRoutingTest extends RoutingScenarios {
  MariaDbRoutingTest(MariaCluster cluster) {
    super(new MariaDatabase(cluster, MariaDatabase.Driver.MARIADB));
  }
}
