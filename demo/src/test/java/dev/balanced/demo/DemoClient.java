package dev.balanced.demo;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A visitor with a browser-like cookie jar, talking HTTP to the demo. */
final class DemoClient {
  private final String base;
  private final HttpClient http;

  DemoClient(int port) {
    this.base = "http://127.0.0.1:" + port;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String text) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "text=" + URLEncoder.encode(text, StandardCharsets.UTF_8)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Posts a message and follows the redirect, as a browser does after a form submit. */
  HttpResponse<String> postAndFollow(String text) throws IOException, InterruptedException {
    HttpResponse<String> posted = post("/messages", text);
    if (posted.statusCode() != 303) {
      throw new AssertionError(
          "expected a 303 redirect, got " + posted.statusCode() + ": " + posted.body());
    }
    return get(posted.headers().firstValue("Location").orElseThrow());
  }
}
