package dev.balanced.it.replication;

import java.util.List;
import java.util.Map;

/**
 * A real primary with replicas, as the routing scenarios need it, whatever the database: how
 * Balanced connects to it, how to tell from SQL which node served a statement, and how to make a
 * replica lag or fail.
 */
public interface ReplicatedDatabase {
  /** For test names and messages, e.g. "MariaDB 10.11 (MySQL Connector/J)". */
  String describe();

  /** The {@code hibernate.balanced.*} (and dialect) settings that point Balanced at the nodes. */
  Map<String, Object> balancedSettings();

  /** The replicas' names, as configured: {@code hibernate.balanced.replicas.<name>}. */
  List<String> replicaNames();

  /** The port of the node with this name ({@code primary} or a replica's name). */
  int port(String node);

  /** A query whose single value is the port of the server that runs it. */
  String servingPortQuery();

  /** A query whose single value is true (or 1) on a replica and false (or 0) on the primary. */
  String onReplicaQuery();

  /** A query that advances the sequence and returns its next value. */
  String nextValueQuery(String sequence);

  /** Waits until every running replica has applied what the primary wrote so far. */
  void awaitReplicas();

  void pauseReplay(String replica);

  void resumeReplay(String replica);

  void stop(String node);

  void start(String node);
}
