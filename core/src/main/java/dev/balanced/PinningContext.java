package dev.balanced;

import dev.balanced.internal.consistency.ContextState;
import dev.balanced.internal.consistency.TokenCodec;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A unit of work that may span several sessions and connections: a web request, a job, a script
 * (pindb's "pinning context"). A pin taken in any session of the context holds for every later
 * session of it. With no context open, each session is a context of its own.
 *
 * <p>A context is bound to the thread that opened it until it is closed. Sessions and connections
 * opened on that thread join it (they keep it even if later used on another thread). Always close
 * it, preferably with try-with-resources or {@link #run(Runnable)}, so a pooled thread never
 * carries a pin into the next request:
 *
 * <pre>{@code
 * try (PinningContext request = PinningContext.open(tokenFromCookie)) {
 *   ... // every session opened here shares one pin
 *   response.addCookie(new Cookie("balanced", request.token()));
 * }
 * }</pre>
 *
 * <p>Across units of work, read-your-writes travels as a <em>consistency token</em> ({@code
 * hibernate.balanced.consistency=time|lsn}): {@link #token()} after the context committed, {@link
 * #open(String)} in the next one. The token is a signed, expiring string that any transport can
 * carry (cookie, header, message header, a cache entry per user). A token that is tampered with,
 * expired, malformed or issued for another database set is ignored: it never fails the request and
 * never grants anything.
 *
 * <p>Contexts nest: an inner context is pinned whenever the outer one is, sees what the outer one
 * must see, and a pin or write inside also counts for the outer context.
 */
public final class PinningContext implements AutoCloseable {

  /**
   * The longest token accepted: real ones are about 120 characters of base64url and one dot.
   * Anything longer is refused unread, so transports may refuse it too.
   */
  public static final int MAX_TOKEN_LENGTH = TokenCodec.MAX_LENGTH;

  private final ContextState state;

  private PinningContext(ContextState state) {
    this.state = state;
    state.handle(this);
  }

  /** Opens a context bound to the current thread until {@link #close()}. */
  public static PinningContext open() {
    return open(null);
  }

  /**
   * Opens a context bound to the current thread that must see the writes named by {@code token}
   * (from {@link #token()} of an earlier context). A {@code null}, invalid or expired token counts
   * as none.
   */
  public static PinningContext open(String token) {
    return new PinningContext(ContextState.open(token));
  }

  /** Runs {@code work} in a new context and closes it afterwards, also when {@code work} throws. */
  public static void run(Runnable work) {
    run(null, work);
  }

  /**
   * Runs {@code work} in a new context seeded with {@code token}, for a background job enqueued by
   * a request: the job reads the request's writes. The context is closed afterwards, also when
   * {@code work} throws, so the pooled thread keeps nothing.
   */
  public static void run(String token, Runnable work) {
    try (PinningContext ignored = open(token)) {
      work.run();
    }
  }

  /**
   * Calls {@code work} in a new context and closes it afterwards, also when {@code work} throws.
   */
  public static <T> T call(Callable<T> work) throws Exception {
    return call(null, work);
  }

  /**
   * Calls {@code work} in a new context seeded with {@code token}; see {@link #run(String,
   * Runnable)}.
   */
  public static <T> T call(String token, Callable<T> work) throws Exception {
    try (PinningContext ignored = open(token)) {
      return work.call();
    }
  }

  /**
   * Wraps {@code task} for an executor or job queue: it will run in a context of its own, seeded
   * with the token of the current context as it is now (so submit after the request committed).
   */
  public static Runnable task(Runnable task) {
    PinningContext current = current();
    String token = current == null ? null : current.token();
    return () -> run(token, task);
  }

  /** The context bound to the current thread, or {@code null} when none is open. */
  public static PinningContext current() {
    ContextState current = ContextState.current();
    // Every bound state is opened here, with this class as its handle.
    return current == null ? null : (PinningContext) current.handle();
  }

  /** Pins this context (and the contexts it is nested in) to the primary. */
  public void pin() {
    pin("pin()");
  }

  /**
   * Pins this context (and the contexts it is nested in) to the primary, saying why, e.g. "master
   * parameter m". The first reason given is kept.
   */
  public void pin(String reason) {
    state.pin(Objects.requireNonNull(reason, "reason"));
  }

  /**
   * Why this context (or the one it is nested in) was pinned: "pin()", "write intent: persist of
   * com.example.Item", or the reason given to {@link #pin(String)}; {@code null} while unpinned.
   */
  public String pinReason() {
    return state.pinReason();
  }

  /** Whether this context, or one it is nested in, is pinned. */
  public boolean isPinned() {
    return state.isPinned();
  }

  /**
   * The consistency token to hand to the next unit of work of the same client: it carries this
   * context's committed writes, and those of the token it was opened with while they still matter.
   * Call it after the context's transactions committed. {@code null} when there is nothing to
   * carry. In {@code consistency=session} mode nothing is recorded, and the token the context was
   * opened with is passed on unchanged.
   */
  public String token() {
    return state.token(System.currentTimeMillis());
  }

  /**
   * When the token {@link #token()} gives now stops granting anything, so that whatever carries it
   * (a cookie's {@code Max-Age}, a store's time to live) keeps it exactly as long as it matters:
   * {@code pin_seconds} after the last write in {@code time} mode, {@code token_ttl_seconds} in
   * {@code lsn} mode. {@code null} when there is no token, or when a token passed on unchanged
   * ({@code consistency=session}) does not say.
   */
  public Instant tokenExpiresAt() {
    long millis = TokenCodec.claimedExpiryMillis(token());
    return millis < 0 ? null : Instant.ofEpochMilli(millis);
  }

  /**
   * Unbinds this context from its thread and restores the context it was nested in.
   *
   * @throws IllegalStateException when called on another thread than the one that opened it, or
   *     while a context opened inside it is still open
   */
  @Override
  public void close() {
    state.close();
  }

  @Override
  public String toString() {
    return state.toString();
  }
}
