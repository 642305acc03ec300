package dev.balanced.internal.topology;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** A database node and its own connection pool. */
public final class Node {
  private final String name;
  private final int index;
  private final boolean primary;
  private final int weight;
  private final HikariDataSource pool;

  Node(String name, int index, boolean primary, int weight, HikariDataSource pool) {
    this.name = name;
    this.index = index;
    this.primary = primary;
    this.weight = weight;
    this.pool = pool;
  }

  public String name() {
    return name;
  }

  /** Position in {@link Topology#nodes()}: 0 is the primary. */
  public int index() {
    return index;
  }

  public boolean isPrimary() {
    return primary;
  }

  public int weight() {
    return weight;
  }

  public HikariDataSource pool() {
    return pool;
  }

  public Connection connect() throws SQLException {
    return pool.getConnection();
  }

  @Override
  public String toString() {
    return name;
  }
}
