package dev.balanced.servlet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Real HTTP requests with the JDK's client; cookies are sent explicitly, never kept. */
final class Http {
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /**
   * A parsed {@code Set-Cookie}: name, value and attributes (lower-case names; flags map to "").
   */
  record SetCookie(String name, String value, Map<String, String> attributes) {
    static SetCookie parse(String header) {
      String[] parts = header.split(";");
      String pair = parts[0].trim();
      int eq = pair.indexOf('=');
      Map<String, String> attributes = new LinkedHashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String attribute = parts[i].trim();
        int aeq = attribute.indexOf('=');
        if (aeq < 0) {
          attributes.put(attribute.toLowerCase(Locale.ROOT), "");
        } else {
          attributes.put(
              attribute.substring(0, aeq).trim().toLowerCase(Locale.ROOT),
              attribute.substring(aeq + 1).trim());
        }
      }
      return new SetCookie(pair.substring(0, eq), pair.substring(eq + 1), attributes);
    }

    String attribute(String name) {
      return attributes.get(name.toLowerCase(Locale.ROOT));
    }

    boolean has(String name) {
      return attributes.containsKey(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A response: status, headers, body, and the body's {@code key=value} lines. */
  record Response(int status, java.net.http.HttpHeaders headers, String body) {
    Map<String, String> values() {
      Map<String, String> values = new LinkedHashMap<>();
      for (String line : body.split("\r?\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          values.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return values;
    }

    String value(String key) {
      return values().get(key);
    }

    String node() {
      return value("node");
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    List<SetCookie> setCookies() {
      List<SetCookie> cookies = new ArrayList<>();
      for (String header : headers.allValues("Set-Cookie")) {
        cookies.add(SetCookie.parse(header));
      }
      return cookies;
    }

    /** The last Set-Cookie of that name (the one a browser keeps), or null. */
    SetCookie cookie(String name) {
      SetCookie last = null;
      for (SetCookie c : setCookies()) {
        if (c.name().equals(name)) {
          last = c;
        }
      }
      return last;
    }
  }

  Response get(URI uri, String... headers) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).GET(), headers);
  }

  Response post(URI uri, String... headers) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()), headers);
  }

  Response postForm(URI uri, String form, String... headers)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)),
        headers);
  }

  Response send(HttpRequest.Builder request, String... headers)
      throws IOException, InterruptedException {
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    request.timeout(Duration.ofSeconds(60));
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.headers(), response.body());
  }
}
