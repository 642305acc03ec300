package dev.balanced.internal.config;

import dev.balanced.spi.ConfiguredNode;
import dev.balanced.spi.Secrets;
import java.util.Properties;

/**
 * The settings of one node after inheritance: a replica takes the primary's username, password and
 * {@code hikari.*} unless it sets its own.
 *
 * @param keyPrefix the full key prefix of this node's settings, for messages
 */
public record NodeSettings(
    String name,
    String keyPrefix,
    String url,
    String username,
    String password,
    int weight,
    Properties hikari)
    implements ConfiguredNode {

  @Override
  public String toString() {
    return "NodeSettings[" + name + " " + Secrets.maskUrl(url) + "]";
  }
}
