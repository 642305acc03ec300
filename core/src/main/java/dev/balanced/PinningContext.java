package dev.balanced;

import dev.balanced.internal.consistency.ContextAccess;
import dev.balanced.internal.consistency.ContextConsistency;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
  public static final int MAX_TOKEN_LENGTH = 512;

  private static final ThreadLocal<PinningContext> CURRENT = new ThreadLocal<>();

  /** Compare-and-set on {@link #pinReason}: a field, not an AtomicReference per context. */
  private static final VarHandle PIN_REASON;

  static {
    try {
      PIN_REASON =
          MethodHandles.lookup().findVarHandle(PinningContext.class, "pinReason", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    ContextAccess.install(
        new ContextAccess.Accessor() {
          @Override
          public ContextConsistency consistency(PinningContext context) {
            return context.consistency();
          }

          @Override
          public void pinForWrite(PinningContext context, Object operation) {
            context.pinWith(operation);
          }
        });
  }

  private final PinningContext parent;
  private final Thread owner;

  /**
   * Why the context was first pinned: the String given to {@link #pin(String)}, or the write that
   * pinned it, whose text is made only when read (most are never read); {@code null} while
   * unpinned. Being set is being pinned. Set through {@link #PIN_REASON}.
   */
  private volatile Object pinReason;

  private final boolean bound;
  private final String incomingToken;

  /**
   * Made when first needed: a private context (one per session outside any open context) needs it
   * only in time/lsn mode.
   */
  private volatile ContextConsistency consistency;

  private boolean closed;

  private PinningContext(PinningContext parent, Thread owner, boolean bound, String token) {
    this.parent = parent;
    this.owner = owner;
    this.bound = bound;
    this.incomingToken = token;
  }

  private ContextConsistency consistency() {
    ContextConsistency made = consistency;
    if (made == null) {
      synchronized (this) {
        made = consistency;
        if (made == null) {
          made =
              new ContextConsistency(
                  parent == null ? null : parent.consistency(), incomingToken, bound);
          consistency = made;
        }
      }
    }
    return made;
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
    PinningContext context = new PinningContext(CURRENT.get(), Thread.currentThread(), true, token);
    CURRENT.set(context);
    return context;
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
    PinningContext current = CURRENT.get();
    String token = current == null ? null : current.token();
    return () -> run(token, task);
  }

  /** The context bound to the current thread, or {@code null} when none is open. */
  public static PinningContext current() {
    return CURRENT.get();
  }

  /**
   * The context a new session or connection joins: the current thread's, or a fresh private one
   * that belongs to that session alone.
   */
  public static PinningContext currentOrPrivate() {
    PinningContext current = CURRENT.get();
    return current != null ? current : new PinningContext(null, null, false, null);
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
    pinWith(Objects.requireNonNull(reason, "reason"));
  }

  private void pinWith(Object reason) {
    for (PinningContext c = this; c != null; c = c.parent) {
      // A compare-and-set is a full fence; a context pinned already needs none.
      if (c.pinReason == null) {
        PIN_REASON.compareAndSet(c, null, reason);
      }
    }
  }

  /**
   * Why this context (or the one it is nested in) was pinned: "pin()", "write intent: persist of
   * com.example.Item", or the reason given to {@link #pin(String)}; {@code null} while unpinned.
   */
  public String pinReason() {
    for (PinningContext c = this; c != null; c = c.parent) {
      Object reason = c.pinReason;
      if (reason instanceof String given) {
        return given;
      }
      if (reason != null) {
        return "write intent: " + reason;
      }
    }
    return null;
  }

  /** Whether this context, or one it is nested in, is pinned. */
  public boolean isPinned() {
    for (PinningContext c = this; c != null; c = c.parent) {
      if (c.pinReason != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The consistency token to hand to the next unit of work of the same client: it carries this
   * context's committed writes, and those of the token it was opened with while they still matter.
   * Call it after the context's transactions committed. {@code null} when there is nothing to
   * carry. In {@code consistency=session} mode nothing is recorded, and the token the context was
   * opened with is passed on unchanged.
   */
  public String token() {
    return consistency().token(System.currentTimeMillis());
  }

  /**
   * Unbinds this context from its thread and restores the context it was nested in.
   *
   * @throws IllegalStateException when called on another thread than the one that opened it, or
   *     while a context opened inside it is still open
   */
  @Override
  public void close() {
    if (!bound || closed) {
      return;
    }
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "A PinningContext must be closed on the thread that opened it ("
              + owner.getName()
              + "), not on "
              + Thread.currentThread().getName());
    }
    if (CURRENT.get() != this) {
      throw new IllegalStateException(
          "PinningContext closed while a context opened inside it is still open;"
              + " close the inner context first");
    }
    closed = true;
    if (parent == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(parent);
    }
  }

  @Override
  public String toString() {
    return "PinningContext[" + (isPinned() ? "pinned" : "unpinned") + "]";
  }
}
