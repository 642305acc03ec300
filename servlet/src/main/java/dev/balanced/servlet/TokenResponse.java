package dev.balanced.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * The response as the application sees it: it puts the consistency token on the response as late as
 * possible but before the response is committed, since headers and cookies cannot be added
 * afterwards. That is before {@code sendRedirect}, {@code sendError}, {@code flushBuffer}, a flush
 * or close of the body, and before a body write that could commit the response (once the body may
 * exceed a quarter of the buffer, or reaches the declared content length); otherwise after the
 * request, if the response is still uncommitted then.
 *
 * <p>A token taken before the body started carries the writes committed until then: a servlet that
 * writes to the database after it started streaming a large body cannot hand that write on through
 * a cookie or header (a token store still gets it).
 */
final class TokenResponse extends HttpServletResponseWrapper {
  /** Writers may encode a char into up to 3 bytes (UTF-8, BMP). */
  private static final int BYTES_PER_CHAR = 3;

  private final TokenExchange exchange;
  private boolean tokenWritten;
  private long bodyBytes;
  private long contentLength = -1;
  private ServletOutputStream stream;
  private PrintWriter writer;

  public TokenResponse(HttpServletResponse response, TokenExchange exchange) {
    super(response);
    this.exchange = exchange;
  }

  private HttpServletResponse raw() {
    return (HttpServletResponse) getResponse();
  }

  /** Puts the token on the response unless it is there already or too late. */
  void beforeCommit() {
    if (!tokenWritten && !raw().isCommitted()) {
      tokenWritten = true;
      exchange.writeTo(raw());
    }
  }

  /** Called before {@code bytes} more bytes of body are handed to the container. */
  void beforeWrite(long bytes) {
    if (!tokenWritten) {
      long after = bodyBytes + bytes;
      int buffer = getBufferSize();
      if (after > buffer / 4 || (contentLength >= 0 && after >= contentLength)) {
        beforeCommit();
      }
    }
    bodyBytes += bytes;
  }

  /**
   * After the request: puts the token on the response if it is still uncommitted, or replaces the
   * one put there earlier if the token changed since.
   */
  public void finish() {
    if (raw().isCommitted()) {
      return;
    }
    if (!tokenWritten) {
      beforeCommit();
    } else {
      exchange.rewriteIfChanged(raw());
    }
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    beforeCommit();
    super.sendRedirect(location);
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    beforeCommit();
    super.sendError(sc, msg);
  }

  @Override
  public void sendError(int sc) throws IOException {
    beforeCommit();
    super.sendError(sc);
  }

  @Override
  public void flushBuffer() throws IOException {
    beforeCommit();
    super.flushBuffer();
  }

  @Override
  public void reset() {
    super.reset();
    // Headers and cookies are gone: the token must go on again.
    tokenWritten = false;
    bodyBytes = 0;
    contentLength = -1;
  }

  @Override
  public void resetBuffer() {
    super.resetBuffer();
    bodyBytes = 0;
  }

  @Override
  public void setContentLength(int len) {
    super.setContentLength(len);
    contentLength = len;
  }

  @Override
  public void setContentLengthLong(long len) {
    super.setContentLengthLong(len);
    contentLength = len;
  }

  @Override
  public void setHeader(String name, String value) {
    super.setHeader(name, value);
    trackContentLength(name, value);
  }

  @Override
  public void addHeader(String name, String value) {
    super.addHeader(name, value);
    trackContentLength(name, value);
  }

  @Override
  public void setIntHeader(String name, int value) {
    super.setIntHeader(name, value);
    trackContentLength(name, String.valueOf(value));
  }

  @Override
  public void addIntHeader(String name, int value) {
    super.addIntHeader(name, value);
    trackContentLength(name, String.valueOf(value));
  }

  private void trackContentLength(String name, String value) {
    if ("Content-Length".equalsIgnoreCase(name)) {
      try {
        contentLength = value == null ? -1 : Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        contentLength = -1;
      }
    }
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    ServletOutputStream out = super.getOutputStream();
    if (stream == null) {
      stream = new TokenOutputStream(out);
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    PrintWriter out = super.getWriter();
    if (writer == null) {
      writer = new TokenPrintWriter(out);
    }
    return writer;
  }

  /** The container's stream, with the token put on before anything that may commit. */
  private final class TokenOutputStream extends ServletOutputStream {
    private final ServletOutputStream out;

    TokenOutputStream(ServletOutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      beforeWrite(1);
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      beforeWrite(len);
      out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      beforeCommit();
      out.flush();
    }

    @Override
    public void close() throws IOException {
      beforeCommit();
      out.close();
    }

    @Override
    public boolean isReady() {
      return out.isReady();
    }

    @Override
    public void setWriteListener(WriteListener writeListener) {
      out.setWriteListener(writeListener);
    }
  }

  /** Counts what a {@link PrintWriter} over it writes, and hands it to the container's writer. */
  private final class TokenWriter extends Writer {
    private final PrintWriter out;

    TokenWriter(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void write(int c) {
      beforeWrite(BYTES_PER_CHAR);
      out.write(c);
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
      beforeWrite((long) len * BYTES_PER_CHAR);
      out.write(cbuf, off, len);
    }

    @Override
    public void write(String str, int off, int len) {
      beforeWrite((long) len * BYTES_PER_CHAR);
      out.write(str, off, len);
    }

    @Override
    public void flush() {
      beforeCommit();
      out.flush();
    }

    @Override
    public void close() {
      beforeCommit();
      out.close();
    }
  }

  /** The container's writer, with the token put on before anything that may commit. */
  private final class TokenPrintWriter extends PrintWriter {
    private final PrintWriter out;

    TokenPrintWriter(PrintWriter out) {
      super(new TokenWriter(out), false);
      this.out = out;
    }

    @Override
    public boolean checkError() {
      // Flushes (through TokenWriter), then reports the container writer's errors too.
      boolean mine = super.checkError();
      return mine || out.checkError();
    }
  }
}
