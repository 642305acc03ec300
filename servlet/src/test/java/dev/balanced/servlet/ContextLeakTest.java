package dev.balanced.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.PinningContext;
import dev.balanced.servlet.Http.Response;
import dev.balanced.servlet.testing.JettyServer;
import dev.balanced.testing.CapturedLog;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * No context leaks between requests on pooled threads: 500 concurrent requests through a Jetty of 6
 * threads (4 of them for requests), mixing writers, readers without a token, readers with a
 * writer's token, and a careless servlet that opens a pinned context of its own and never closes
 * it. A tiny filter outside the Balanced filter checks that no context is bound to the thread
 * before and after it; every servlet checks that the context it runs in is the filter's; every
 * reader without a token must read from a replica, every reader with a fresh token from the
 * primary.
 */
class ContextLeakTest {
  static final int REQUESTS = 500;
  static final int CLIENT_THREADS = 16;

  /** Records any context bound to the thread before or after the Balanced filter. */
  static final class OutsideFilter implements Filter {
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger requests = new AtomicInteger();

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      requests.incrementAndGet();
      if (PinningContext.current() != null) {
        problems.add("a context was bound before the request on " + Thread.currentThread());
      }
      try {
        chain.doFilter(req, res);
      } finally {
        if (PinningContext.current() != null) {
          problems.add("a context is bound after the request on " + Thread.currentThread());
        }
      }
    }
  }

  @Test
  void hundredsOfMixedRequestsOnAFewThreadsLeakNothing() throws Exception {
    OutsideFilter outside = new OutsideFilter();
    CapturedLog log = CapturedLog.start();
    try (log;
        WebCluster cluster = WebCluster.start();
        JettyServer jetty =
            JettyServer.builder()
                .maxThreads(6)
                .filter(outside)
                .filter(BalancedFilter.builder().build())
                .servlet("/items", new Probe.ReadWriteServlet(cluster))
                .servlet("/careless", new Probe.CarelessServlet(cluster))
                .start()) {
      Http http = new Http();
      ConcurrentLinkedDeque<String> tokens = new ConcurrentLinkedDeque<>();
      List<String> problems = Collections.synchronizedList(new ArrayList<>());
      Set<String> serverThreads = ConcurrentHashMap.newKeySet();
      AtomicInteger tokenlessReads = new AtomicInteger();
      AtomicInteger tokenReads = new AtomicInteger();
      AtomicInteger careless = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
          // Writers, readers, readers with a token; one request in 25 is the careless servlet.
          int kind = i % 25 == 4 ? 4 : i % 5 == 4 ? 1 : i % 5;
          futures.add(
              clients.submit(
                  () -> {
                    one(jetty, http, kind, tokens, problems, tokenlessReads, tokenReads, careless)
                        .ifPresent(thread -> serverThreads.add(thread));
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        clients.shutdownNow();
        assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
      }
      assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())));
      assertEquals(List.of(), outside.problems.subList(0, Math.min(20, outside.problems.size())));
      assertEquals(REQUESTS, outside.requests.get());
      assertTrue(tokenlessReads.get() >= REQUESTS / 5 * 2, "readers without a token ran");
      assertEquals(REQUESTS / 25, careless.get(), "careless requests ran");
      assertTrue(tokenReads.get() > 0, "readers with a token ran");
      assertTrue(
          serverThreads.size() <= 6 && serverThreads.size() >= 1,
          "Jetty's small pool served everything: " + serverThreads);
    }
    // Read once Jetty has stopped: a careless request's warning may follow its response.
    assertEquals(
        REQUESTS / 25,
        log.count("WARN", "the application left 1 PinningContext(s) open in a request"),
        "one warning per careless request:\n" + log.text());
  }

  /** One request of the given kind; returns the server thread that served it. */
  private static java.util.Optional<String> one(
      JettyServer jetty,
      Http http,
      int kind,
      ConcurrentLinkedDeque<String> tokens,
      List<String> problems,
      AtomicInteger tokenlessReads,
      AtomicInteger tokenReads,
      AtomicInteger careless)
      throws Exception {
    Response r;
    String what;
    switch (kind) {
      case 0 -> {
        what = "writer";
        r = http.post(jetty.uri("/items"));
        String token = r.header("Balanced-Token");
        if (token == null) {
          problems.add("a writer got no token: " + r.body());
        } else {
          tokens.add(token);
        }
        expect(problems, what, r, "primary");
      }
      case 3 -> {
        String token = tokens.peekLast();
        if (token == null) {
          what = "reader (no token yet)";
          r = http.get(jetty.uri("/items"));
          tokenlessReads.incrementAndGet();
          expect(problems, what, r, "replica");
        } else {
          what = "reader with a token";
          r = http.get(jetty.uri("/items"), "Cookie", "balanced=" + token);
          tokenReads.incrementAndGet();
          expect(problems, what, r, "primary");
        }
      }
      case 4 -> {
        what = "careless";
        careless.incrementAndGet();
        r = http.get(jetty.uri("/careless"));
        expect(problems, what, r, "primary");
      }
      default -> {
        what = "reader";
        r = http.get(jetty.uri("/items"));
        tokenlessReads.incrementAndGet();
        expect(problems, what, r, "replica");
        if (!"null".equals(r.value("tokenSource")) || !"false".equals(r.value("pinned"))) {
          problems.add("a tokenless reader saw a token or a pin: " + r.body());
        }
      }
    }
    if (kind != 4 && r.status() == 200 && !"true".equals(r.value("contextOk"))) {
      problems.add(what + " did not run in the filter's context: " + r.body());
    }
    return java.util.Optional.ofNullable(r.value("thread"));
  }

  private static void expect(List<String> problems, String what, Response r, String where) {
    if (r.status() != 200) {
      problems.add(what + ": status " + r.status());
      return;
    }
    boolean ok =
        where.equals("primary")
            ? "primary".equals(r.node())
            : WebCluster.REPLICAS.contains(r.node());
    if (!ok) {
      problems.add(what + " read from " + r.node() + ", expected " + where + ": " + r.body());
    }
  }
}
