package dev.balanced.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket
 * client: no driver library, and nothing that downloads a browser. The browser is found at {@code
 * CHROMIUM} or {@code /usr/bin/chromium}; without one the test fails and says how to install it.
 */
final class Chromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

  private Chromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  static Chromium launch() throws Exception {
    String binary = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    if (!Files.isExecutable(Path.of(binary))) {
      throw new IllegalStateException(
          "No Chromium at "
              + binary
              + ": install Debian's (apt-get install -y chromium) or set CHROMIUM to its path");
    }
    Path profile = Files.createTempDirectory("balanced-chromium-");
    Process process =
        new ProcessBuilder(
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank")
            .redirectErrorStream(true)
            .start();
    try {
      int port = devToolsPort(process);
      HttpClient http = HttpClient.newHttpClient();
      JsonNode targets =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      String pageSocket = null;
      for (JsonNode target : targets) {
        if ("page".equals(target.path("type").asText())) {
          pageSocket = target.path("webSocketDebuggerUrl").asText();
        }
      }
      if (pageSocket == null) {
        throw new IllegalStateException("Chromium opened no page: " + targets);
      }
      Listener listener = new Listener();
      WebSocket socket =
          http.newWebSocketBuilder()
              .buildAsync(URI.create(pageSocket), listener)
              .get(30, TimeUnit.SECONDS);
      Chromium chromium = new Chromium(process, profile, socket);
      listener.chromium = chromium;
      chromium.call("Page.enable", JSON.createObjectNode());
      return chromium;
    } catch (Exception e) {
      stop(process);
      deleteTree(profile);
      throw e;
    }
  }

  /** Reads "DevTools listening on ws://127.0.0.1:PORT/..." from the browser's output. */
  private static int devToolsPort(Process process) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      int at = line.indexOf("ws://127.0.0.1:");
      if (at >= 0) {
        String rest = line.substring(at + "ws://127.0.0.1:".length());
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (out.readLine() != null) {
                      // keep the pipe flowing
                    }
                  } catch (IOException ignored) {
                    // the browser went away
                  }
                });
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(rest.substring(0, rest.indexOf('/')));
      }
    }
    throw new IllegalStateException("Chromium exited before DevTools started:\n" + seen);
  }

  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private volatile Chromium chromium;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        try {
          JsonNode node = JSON.readTree(message);
          if (node.has("id")) {
            CompletableFuture<JsonNode> reply = chromium.pending.remove(node.get("id").asInt());
            if (reply != null) {
              reply.complete(node);
            }
          } else {
            chromium.events.add(node);
          }
        } catch (IOException e) {
          // not JSON: ignore
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
    JsonNode node = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (node.has("error")) {
      throw new IllegalStateException(method + " failed: " + node.get("error"));
    }
    return node.path("result");
  }

  /** Opens {@code url} and waits until it has loaded. */
  void open(String url) throws Exception {
    events.clear();
    call("Page.navigate", JSON.createObjectNode().put("url", url));
    awaitLoad();
  }

  /** Runs {@code script} in the page, which navigates, and waits for the next page to load. */
  void navigateBy(String script) throws Exception {
    events.clear();
    evaluate(script);
    awaitLoad();
  }

  private void awaitLoad() throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode event = events.poll(200, TimeUnit.MILLISECONDS);
      if (event != null && "Page.loadEventFired".equals(event.path("method").asText())) {
        return;
      }
    }
    throw new IllegalStateException("the page did not load within " + TIMEOUT);
  }

  /** The value of a JavaScript expression, as text. */
  String evaluate(String expression) throws Exception {
    JsonNode result =
        call(
            "Runtime.evaluate",
            JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value").asText();
  }

  void screenshot(Path file) throws Exception {
    JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
  }

  @Override
  public void close() throws Exception {
    try {
      socket.abort();
    } finally {
      stop(process);
      deleteTree(profile);
    }
  }

  /**
   * Ends Chromium and every process it started. Its renderer, utility and crash-handler processes
   * can outlive the main one for a moment and still write into the profile directory.
   */
  private static void stop(Process process) throws InterruptedException {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        handle.destroyForcibly();
      }
    }
  }

  /** Deletes the profile, again if a file appeared in it meanwhile. */
  private static void deleteTree(Path root) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        deleteOnce(root);
        return;
      } catch (DirectoryNotEmptyException e) {
        if (attempt == 5) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private static void deleteOnce(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
