package dev.balanced.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /demo.css}: the pages' stylesheet, from the classpath. No fonts or CDNs from afar. */
final class Stylesheet extends HttpServlet {
  static final String PATH = "/demo.css";

  private final byte[] css;

  Stylesheet() {
    try (InputStream in = Stylesheet.class.getResourceAsStream("demo.css")) {
      if (in == null) {
        throw new IllegalStateException("demo.css is missing from the classpath");
      }
      css = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("text/css;charset=UTF-8");
    response.setHeader("Cache-Control", "no-cache");
    response.setContentLength(css.length);
    response.getOutputStream().write(css);
  }
}
