package dev.balanced.internal.consistency;

import dev.balanced.internal.position.ReplicationPosition;

/**
 * What a unit of work must see from earlier ones: the writes of a database set up to a time or a
 * replication position. Immutable; {@link TokenCodec} turns it into a signed string.
 *
 * @param databaseSet the database set it belongs to (a token is foreign to any other)
 * @param pinnedUntilMillis until when reads go to the primary (time mode), 0 for none
 * @param position what a replica must have applied (position mode), {@link
 *     ReplicationPosition#NONE} for nothing
 * @param expiresAtMillis after this the token grants nothing
 */
public record ConsistencyToken(
    String databaseSet,
    long pinnedUntilMillis,
    ReplicationPosition position,
    long expiresAtMillis) {

  /**
   * The stricter of both: the later pin, the further position (per GTID domain), the later expiry.
   */
  ConsistencyToken merge(ConsistencyToken other) {
    if (other == null) {
      return this;
    }
    return new ConsistencyToken(
        databaseSet,
        Math.max(pinnedUntilMillis, other.pinnedUntilMillis),
        position.furthest(other.position),
        Math.max(expiresAtMillis, other.expiresAtMillis));
  }
}
