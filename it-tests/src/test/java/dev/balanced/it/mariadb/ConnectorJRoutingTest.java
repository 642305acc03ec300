package dev.balanced.it.mariadb;

import dev.balanced.it.replication.MariaDatabase;
import dev.balanced.it.replication.RoutingScenarios;
import dev.balanced.testing.mariadb.MariaCluster;
import dev.balanced.testing.mariadb.MariaDbCluster;

/** The routing scenarios on MariaDB through MySQL Connector/J, with Hibernate's MariaDB dialect. */
@MariaDbCluster(replicas = 2)
class ConnectorJRoutingTest extends RoutingScenarios {
  ConnectorJRoutingTest(MariaCluster cluster) {
    super(new MariaDatabase(cluster, MariaDatabase.Driver.CONNECTOR_J));
  }
}
