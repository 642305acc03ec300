package dev.balanced.testing;

import java.sql.Connection;
import java.sql.SQLException;

/** One server of a {@link ReplicatedCluster}, whatever the database. */
public interface ClusterNode {
  /** {@code primary}, or the replica's name. */
  String name();

  boolean isPrimary();

  /** The TCP port on 127.0.0.1. */
  int port();

  /** The JDBC URL of the cluster's database on this server. */
  String jdbcUrl();

  /** The user applications connect as. */
  String user();

  /** That user's password, or null for none. */
  String password();

  /** A new connection to the cluster's database as {@link #user()}. */
  Connection connect() throws SQLException;

  /** Whether the server is up, as far as the cluster's own start and stop calls know. */
  boolean isRunning();
}
