/**
 * Replication positions and how to read them from a server: PostgreSQL's WAL positions and
 * MariaDB's GTID positions. Depends on nothing else of Balanced, so that the topology (which
 * measures replicas) and read-your-writes (which compares them with what a reader needs) can both
 * use it.
 */
package dev.balanced.internal.position;
