package dev.balanced;

import java.sql.SQLTransientConnectionException;
import java.time.Instant;

/**
 * The primary cannot be reached, so a unit of work that needs it (a write, or with {@code
 * primary_down_reads=fail} a read that must see the primary) fails at once instead of waiting out
 * the pool's {@code connectionTimeout}. Nothing of the statement reached any database.
 *
 * <p>A {@link SQLTransientConnectionException}: frameworks that retry transient failures retry it,
 * and a retry succeeds once the primary is back or a standby was promoted. Hibernate and JPA wrap
 * it (a {@code JDBCConnectionException}, a {@code PersistenceException}); it stays the cause.
 */
public class PrimaryUnavailableException extends SQLTransientConnectionException {
  private static final long serialVersionUID = 1L;

  /** SQLState class 08 (connection exception), 08001: the client could not connect. */
  public static final String SQL_STATE = "08001";

  private final String primary;
  private final transient Instant unreachableSince;
  private final transient Instant lastReachable;

  /**
   * @param message the whole message, naming the primary and since when it cannot be reached
   * @param primary the primary's name and masked URL
   * @param unreachableSince when Balanced first failed to reach it in this outage
   * @param lastReachable when a connection to it was last made, {@code null} if never
   * @param cause why the last attempt failed, {@code null} when none was made for this call
   */
  public PrimaryUnavailableException(
      String message,
      String primary,
      Instant unreachableSince,
      Instant lastReachable,
      Throwable cause) {
    super(message, SQL_STATE, cause);
    this.primary = primary;
    this.unreachableSince = unreachableSince;
    this.lastReachable = lastReachable;
  }

  /** The primary's name and URL, credentials masked: {@code primary (jdbc:postgresql://db/app)}. */
  public String getPrimary() {
    return primary;
  }

  /** When Balanced first failed to reach the primary in this outage. */
  public Instant getUnreachableSince() {
    return unreachableSince;
  }

  /** When a connection to the primary was last made; {@code null} if none ever was. */
  public Instant getLastReachable() {
    return lastReachable;
  }
}
