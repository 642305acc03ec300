package dev.balanced.servlet;

import java.time.Duration;

/**
 * Keeps each user's latest consistency token on the server, for clients that carry no cookie (API
 * clients, mobile apps, several devices of one user), keyed by a user id the application supplies.
 * {@link BalancedFilter} uses one when configured with it: it seeds a request's pinning context
 * with the stored token when the request brings none, and stores the token a request hands out.
 *
 * <p>Implementations follow the rules of the token itself: bad input (a {@code null}, blank or
 * oversized user id; a {@code null}, empty, oversized or malformed token; a missing, zero or
 * negative time to live) and an unavailable backend never throw into the request. They log why at
 * WARN or DEBUG, never the token, and {@link #get} returns {@code null}, which grants nothing.
 *
 * <p>Implementations are safe for concurrent use.
 */
public interface TokenStore {

  /**
   * The token stored for {@code userId}, or {@code null} (none, expired, bad input, backend down).
   */
  String get(String userId);

  /**
   * Stores {@code token} for {@code userId}, replacing the one stored before, for {@code ttl}; does
   * nothing on bad input or when the backend is down.
   */
  void put(String userId, String token, Duration ttl);

  /** Forgets the token of {@code userId}; does nothing on bad input or when the backend is down. */
  void remove(String userId);
}
