package dev.balanced.it.pg;

import dev.balanced.it.replication.PostgresDatabase;
import dev.balanced.it.replication.RoutingScenarios;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PostgresCluster;

/**
 * The routing scenarios on a real PostgreSQL primary with two hot standbys. A standby rejects
 * writes, row locks and {@code nextval}; {@code pg_is_in_recovery()} and {@code inet_server_port()}
 * show which node served a read.
 */
@PostgresCluster(standbys = 2)
class PostgresRoutingTest extends RoutingScenarios {
  PostgresRoutingTest(PgCluster cluster) {
    super(new PostgresDatabase(cluster));
  }
}
