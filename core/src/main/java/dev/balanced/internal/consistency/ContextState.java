package dev.balanced.internal.consistency;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The state of one unit of work that may span several sessions (a web request, a job): whether it
 * is pinned and why, what it must see from earlier units of work and what it wrote, and which
 * thread it is bound to. {@code dev.balanced.PinningContext} is the public handle of a bound one; a
 * session opened outside any context gets a private one that has no handle and belongs to that
 * session alone.
 *
 * <p>States nest: an inner one is pinned whenever the outer one is, and a pin inside also pins the
 * outer one.
 */
public final class ContextState {
  private static final ThreadLocal<ContextState> CURRENT = new ThreadLocal<>();

  /** Compare-and-set on {@link #pinReason}: a field, not an AtomicReference per context. */
  private static final VarHandle PIN_REASON;

  private static final VarHandle PIN_TOLD;

  static {
    try {
      PIN_REASON =
          MethodHandles.lookup().findVarHandle(ContextState.class, "pinReason", Object.class);
      PIN_TOLD = MethodHandles.lookup().findVarHandle(ContextState.class, "pinTold", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ContextState parent;
  private final Thread owner;
  private final boolean bound;
  private final String incomingToken;

  /**
   * Why the context was first pinned: a String given by the application, or the write that pinned
   * it, whose text is made only when read (most are never read); {@code null} while unpinned. Being
   * set is being pinned. Set through {@link #PIN_REASON}.
   */
  private volatile Object pinReason;

  /** Made when first needed: a private context needs it only in time/lsn mode. */
  private volatile ContextConsistency consistency;

  /** Whether a runtime told its listeners of this state's pin; set through {@link #PIN_TOLD}. */
  @SuppressWarnings("unused")
  private volatile boolean pinTold;

  /** The public object that stands for this state, for a bound one. */
  private AutoCloseable handle;

  private boolean closed;

  private ContextState(ContextState parent, Thread owner, boolean bound, String token) {
    this.parent = parent;
    this.owner = owner;
    this.bound = bound;
    this.incomingToken = token;
  }

  /**
   * Opens a state bound to the current thread until {@link #close()}, nested in the one bound
   * before, that must see the writes named by {@code token} ({@code null} for none).
   */
  public static ContextState open(String token) {
    ContextState state = new ContextState(CURRENT.get(), Thread.currentThread(), true, token);
    CURRENT.set(state);
    return state;
  }

  /** The state bound to the current thread, or {@code null} when none is open. */
  public static ContextState current() {
    return CURRENT.get();
  }

  /**
   * The state a new session or connection joins: the current thread's, or a fresh private one that
   * belongs to that session alone.
   */
  public static ContextState currentOrPrivate() {
    ContextState current = CURRENT.get();
    return current != null ? current : new ContextState(null, null, false, null);
  }

  /** Sets the public object that stands for this state; once. */
  public void handle(AutoCloseable handle) {
    if (this.handle != null) {
      throw new IllegalStateException("This context state has a handle already");
    }
    this.handle = handle;
  }

  /** The public object that stands for this state; {@code null} for a private one. */
  public AutoCloseable handle() {
    return handle;
  }

  /** What this context must see and what it wrote, for read-your-writes. */
  ContextConsistency consistency() {
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

  /** The consistency token to hand to the next unit of work; see {@code PinningContext.token()}. */
  public String token(long nowMillis) {
    return consistency().token(nowMillis);
  }

  /**
   * Pins this state and those it is nested in, keeping the first {@code reason}: a String, or a
   * write whose text ("write intent: " + it) is only made when someone asks for the reason.
   */
  public void pin(Object reason) {
    for (ContextState c = this; c != null; c = c.parent) {
      // A compare-and-set is a full fence; a context pinned already needs none.
      if (c.pinReason == null) {
        PIN_REASON.compareAndSet(c, null, reason);
      }
    }
  }

  /**
   * For a pinned state: true for the first caller only, so that of the runtimes and units of work
   * that see the pin one tells its listeners of it.
   */
  public boolean claimPinTold() {
    return !pinTold && PIN_TOLD.compareAndSet(this, false, true);
  }

  /** Why this state (or the one it is nested in) was pinned; {@code null} while unpinned. */
  public String pinReason() {
    for (ContextState c = this; c != null; c = c.parent) {
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

  /** Whether this state, or one it is nested in, is pinned. */
  public boolean isPinned() {
    for (ContextState c = this; c != null; c = c.parent) {
      if (c.pinReason != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Unbinds this state from its thread and restores the one it was nested in; nothing for a private
   * state or one closed already.
   *
   * @throws IllegalStateException when called on another thread than the one that opened it, or
   *     while a state opened inside it is still open
   */
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
