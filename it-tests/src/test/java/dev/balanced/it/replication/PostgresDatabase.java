package dev.balanced.it.replication;

import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;

/** PostgreSQL primary and hot standbys of a {@link PgCluster}, through PgJDBC. */
public final class PostgresDatabase extends ClusterDatabase<PgNode> {
  public PostgresDatabase(PgCluster cluster) {
    super(cluster);
  }

  @Override
  public String describe() {
    return "PostgreSQL";
  }

  @Override
  String url(PgNode node) {
    return node.jdbcUrl();
  }

  @Override
  public String servingPortQuery() {
    return "select inet_server_port()";
  }

  @Override
  public String onReplicaQuery() {
    return "select pg_is_in_recovery()";
  }

  @Override
  public String nextValueQuery(String sequence) {
    return "select nextval('" + sequence + "')";
  }
}
