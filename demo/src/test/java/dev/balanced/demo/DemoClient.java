package dev.balanced.demo;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /** Posts a form whose body is already encoded ({@code action=failover}). */
  HttpResponse<String> postForm(String path, String form) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
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

  /** The count of reads in the last minute the cluster panel shows for {@code node}. */
  static long readsShown(HttpResponse<String> page, String node) {
    Matcher m =
        Pattern.compile(
                "<tr data-node=\"" + node + "\">.*?<span class=\"count\">(\\d+)</span>",
                Pattern.DOTALL)
            .matcher(page.body());
    if (!m.find()) {
      throw new AssertionError("a row for " + node + " in " + page.body());
    }
    return Long.parseLong(m.group(1));
  }
}
