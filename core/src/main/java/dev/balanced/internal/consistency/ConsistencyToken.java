package dev.balanced.internal.consistency;

/**
 * What a unit of work must see from earlier ones: the writes of a database set up to a time or a
 * WAL position. Immutable; {@link TokenCodec} turns it into a signed string.
 *
 * @param databaseSet the database set it belongs to (a token is foreign to any other)
 * @param pinnedUntilMillis until when reads go to the primary (time mode), 0 for none
 * @param lsn the WAL position a replica must have replayed (lsn mode), 0 for none
 * @param expiresAtMillis after this the token grants nothing
 */
public record ConsistencyToken(
    String databaseSet, long pinnedUntilMillis, long lsn, long expiresAtMillis) {

  /**
   * The stricter of both: the later pin, the later position (WAL positions are unsigned: a signed
   * maximum would take a position past 7FFFFFFF/FFFFFFFF for an early one), the later expiry.
   */
  ConsistencyToken merge(ConsistencyToken other) {
    if (other == null) {
      return this;
    }
    return new ConsistencyToken(
        databaseSet,
        Math.max(pinnedUntilMillis, other.pinnedUntilMillis),
        Lsn.reached(lsn, other.lsn) ? lsn : other.lsn,
        Math.max(expiresAtMillis, other.expiresAtMillis));
  }
}
