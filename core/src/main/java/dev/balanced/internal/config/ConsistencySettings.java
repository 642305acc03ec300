package dev.balanced.internal.config;

import dev.balanced.spi.Consistency;

/**
 * The settings of read-your-writes across units of work.
 *
 * @param tokenSecret null in session mode; never printed
 */
public record ConsistencySettings(
    Consistency mode,
    int pinSeconds,
    int lsnWaitMs,
    int lsnRefreshMs,
    int tokenTtlSeconds,
    String tokenSecret) {

  @Override
  public String toString() {
    return "ConsistencySettings[mode="
        + mode
        + ", pinSeconds="
        + pinSeconds
        + ", lsnWaitMs="
        + lsnWaitMs
        + ", lsnRefreshMs="
        + lsnRefreshMs
        + ", tokenTtlSeconds="
        + tokenTtlSeconds
        + ", tokenSecret="
        + (tokenSecret == null ? "none" : "<masked>")
        + "]";
  }
}
