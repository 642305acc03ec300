package dev.balanced.it.pg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on a loopback port that a test can cut off the way a network partition or a
 * frozen host does: while cut, bytes in both directions are held, neither delivered nor refused,
 * and every connection stays open, so both ends wait as they would for a host that stopped
 * answering. New connections are accepted and held the same way. {@link #restore()} delivers what
 * was held.
 */
final class NetworkCut implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private boolean cut;
  private boolean closed;

  private NetworkCut(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
  }

  /** Forwards a new loopback port to {@code targetPort} on loopback. */
  static NetworkCut to(int targetPort) throws IOException {
    NetworkCut forwarder =
        new NetworkCut(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
    daemon("network-cut-accept", forwarder::acceptAll);
    return forwarder;
  }

  int port() {
    return server.getLocalPort();
  }

  void cut() {
    synchronized (lock) {
      cut = true;
    }
  }

  void restore() {
    synchronized (lock) {
      cut = false;
      lock.notifyAll();
    }
  }

  private void acceptAll() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(target);
        daemon("network-cut-up", () -> forward(client, target));
        daemon("network-cut-down", () -> forward(target, client));
      } catch (IOException e) {
        // Closed, or the target refused: the client sees its connection end.
      }
    }
  }

  /** Copies {@code from} to {@code to}, holding each chunk while cut; closes both at the end. */
  private void forward(Socket from, Socket to) {
    byte[] buffer = new byte[8192];
    try (from;
        to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        awaitConnected();
        out.write(buffer, 0, n);
        out.flush();
      }
      // Even the end of a connection does not cross a cut.
      awaitConnected();
    } catch (IOException | InterruptedException e) {
      // One end went away; closing both passes that on.
    }
  }

  private void awaitConnected() throws InterruptedException {
    synchronized (lock) {
      while (cut && !closed) {
        lock.wait();
      }
    }
  }

  private static void daemon(String name, Runnable work) {
    Thread thread = new Thread(work, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
