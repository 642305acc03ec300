package dev.balanced;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * try (PinningContext request = PinningContext.open()) {
 *   ... // every session opened here shares one pin
 * }
 * }</pre>
 *
 * <p>Contexts nest: an inner context is pinned whenever the outer one is, and a pin taken inside
 * also pins the outer context, so the outer unit of work reads what the inner one wrote.
 */
public final class PinningContext implements AutoCloseable {

  private static final ThreadLocal<PinningContext> CURRENT = new ThreadLocal<>();

  private final PinningContext parent;
  private final Thread owner;
  private final AtomicBoolean pinned = new AtomicBoolean();
  private final boolean bound;
  private boolean closed;

  private PinningContext(PinningContext parent, Thread owner, boolean bound) {
    this.parent = parent;
    this.owner = owner;
    this.bound = bound;
  }

  /** Opens a context bound to the current thread until {@link #close()}. */
  public static PinningContext open() {
    PinningContext context = new PinningContext(CURRENT.get(), Thread.currentThread(), true);
    CURRENT.set(context);
    return context;
  }

  /** Runs {@code work} in a new context and closes it afterwards, also when {@code work} throws. */
  public static void run(Runnable work) {
    try (PinningContext ignored = open()) {
      work.run();
    }
  }

  /**
   * Calls {@code work} in a new context and closes it afterwards, also when {@code work} throws.
   */
  public static <T> T call(Callable<T> work) throws Exception {
    try (PinningContext ignored = open()) {
      return work.call();
    }
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
    return current != null ? current : new PinningContext(null, null, false);
  }

  /** Pins this context (and the contexts it is nested in) to the primary. */
  public void pin() {
    for (PinningContext c = this; c != null; c = c.parent) {
      c.pinned.set(true);
    }
  }

  /** Whether this context, or one it is nested in, is pinned. */
  public boolean isPinned() {
    for (PinningContext c = this; c != null; c = c.parent) {
      if (c.pinned.get()) {
        return true;
      }
    }
    return false;
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
