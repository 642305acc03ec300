package dev.balanced.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Loopback ports that are free right now, as the OS hands them out. Another process may still take
 * one before the server binds it, so callers retry on a bind failure; this class only avoids
 * handing the same port out twice within this JVM.
 */
public final class FreePorts {
  private static final Set<Integer> handedOut = new HashSet<>();

  private FreePorts() {}

  public static synchronized int next() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        int port = socket.getLocalPort();
        if (handedOut.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not ask the OS for a free port", e);
      }
    }
    throw new ClusterException("the OS keeps handing out ports this JVM already used");
  }

  /** Starts a server on the port it is given, or says that the port was taken. */
  @FunctionalInterface
  public interface Starter {
    void start(int port) throws PortTaken;
  }

  /**
   * Starts a server on a free port; ports can be taken between asking the OS and binding them, so
   * this tries a few.
   *
   * @return the port the server listens on
   */
  public static int startOnFreePort(String name, Starter starter) {
    PortTaken last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = next();
      try {
        starter.start(port);
        return port;
      } catch (PortTaken e) {
        last = e;
      }
    }
    throw new ClusterException("could not find a free port for " + name, last);
  }

  /** Whether something listens on, or holds, the loopback port. */
  public static boolean inUse(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
