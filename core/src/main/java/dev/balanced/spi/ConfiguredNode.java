package dev.balanced.spi;

/**
 * A node as configured, after replicas inherited the primary's credentials. Its {@code toString()}
 * masks the password and any credentials in the URL.
 */
public interface ConfiguredNode {

  /** {@code primary} or the replica's name. */
  String name();

  /** The full prefix of its settings, e.g. {@code hibernate.balanced.primary.}, for messages. */
  String keyPrefix();

  /** Its JDBC URL, as given (it may hold credentials: mask it with {@link Secrets#maskUrl}). */
  String url();

  /** Its user name, {@code null} when none is given. */
  String username();

  /** Its password, {@code null} when none is given; never put it in a message. */
  String password();
}
