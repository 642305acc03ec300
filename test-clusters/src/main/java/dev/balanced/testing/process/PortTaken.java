package dev.balanced.testing.process;

/** A server did not start only because another process took its port first: worth another port. */
public final class PortTaken extends Exception {
  private static final long serialVersionUID = 1L;

  public PortTaken(String message) {
    super(message);
  }
}
