package dev.balanced.it.replication;

import dev.balanced.testing.mariadb.MariaCluster;
import dev.balanced.testing.mariadb.MariaNode;

/** MariaDB primary and GTID replicas of a {@link MariaCluster}, through one of two drivers. */
public final class MariaDatabase extends ClusterDatabase<MariaNode> {
  /** The JDBC drivers applications use against MariaDB. */
  public enum Driver {
    /** {@code org.mariadb.jdbc:mariadb-java-client}: {@code jdbc:mariadb:} URLs. */
    MARIADB,
    /**
     * {@code com.mysql:mysql-connector-j}: {@code jdbc:mysql:} URLs. It reports the server as
     * "MySQL" 5.5.5; Balanced still gives Hibernate the MariaDB dialect for the real version.
     */
    CONNECTOR_J
  }

  private final Driver driver;

  public MariaDatabase(MariaCluster cluster, Driver driver) {
    super(cluster);
    this.driver = driver;
  }

  @Override
  public String describe() {
    return "MariaDB (" + (driver == Driver.MARIADB ? "MariaDB driver" : "MySQL Connector/J") + ")";
  }

  @Override
  public String url(MariaNode node) {
    return driver == Driver.MARIADB ? node.jdbcUrl() : node.mysqlJdbcUrl();
  }

  @Override
  public String servingPortQuery() {
    return "select @@port";
  }

  @Override
  public String onReplicaQuery() {
    return "select @@read_only";
  }

  @Override
  public String nextValueQuery(String sequence) {
    return "select next value for " + sequence;
  }
}
