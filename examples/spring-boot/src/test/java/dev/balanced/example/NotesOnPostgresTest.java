package dev.balanced.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jayway.jsonpath.JsonPath;
import dev.balanced.ReadOnlyWriteException;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import dev.balanced.testing.pg.PostgresCluster;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The unmodified Notes application on a real PostgreSQL primary and a standby applying WAL 300 ms
 * late, driven over HTTP as browsers would drive it. Where a test must be sure the standby lacks a
 * write, it pauses the standby's replay instead of racing the delay.
 */
@PostgresCluster(standbys = 1, applyDelayMs = 300)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class NotesOnPostgresTest {
  private static PgCluster cluster;

  @LocalServerPort private int port;

  @Autowired private NoteService notes;

  @BeforeAll
  static void cluster(PgCluster started) {
    cluster = started;
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> cluster.primary().jdbcUrl());
    registry.add("spring.datasource.username", () -> PgNode.USER);
    registry.add("spring.datasource.password", () -> "");
    // Finding the stopped standby costs one connection timeout, once: keep it short.
    registry.add("spring.datasource.hikari.connection-timeout", () -> "1500");
    registry.add("spring.jpa.hibernate.ddl-auto", () -> "create");
    registry.add("balanced.replicas.replica1.url", () -> cluster.standby(1).jdbcUrl());
    registry.add("balanced.consistency", () -> "lsn");
    registry.add("balanced.replica-retry-seconds", () -> "1");
    // TurboGears' ?m=1: the filter's settings under balanced.web.*.
    registry.add("balanced.web.master-params", () -> "m");
  }

  @BeforeEach
  void standbyHasTheSchema() {
    cluster.waitForReplay(Duration.ofSeconds(30));
  }

  @AfterEach
  void standbyReplaysAgain() {
    cluster.resumeReplay(cluster.standby(1));
  }

  private HttpClient browser() {
    return HttpClient.newBuilder()
        .cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  private HttpResponse<String> get(HttpClient browser, String path) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(HttpClient browser, String text) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notes"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("text=" + text))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long insertOnPrimary(String text) throws Exception {
    try (Connection connection = cluster.primary().connect();
        Statement statement = connection.createStatement();
        ResultSet id =
            statement.executeQuery("insert into note(text) values ('" + text + "') returning id")) {
      id.next();
      return id.getLong(1);
    }
  }

  private static long countOn(PgNode node) throws Exception {
    try (Connection connection = node.connect();
        Statement statement = connection.createStatement();
        ResultSet count = statement.executeQuery("select count(*) from note")) {
      count.next();
      return count.getLong(1);
    }
  }

  @Test
  void readOnlyTransactionsAndJdbcTemplateReadFromTheStandby() throws Exception {
    cluster.pauseReplay(cluster.standby(1));
    long id = insertOnPrimary("written-behind-the-applications-back");
    HttpClient browser = browser();
    // Spring Data's findById in a read-only transaction: the standby has not replayed the row.
    assertThat(get(browser, "/notes/" + id).statusCode()).isEqualTo(404);
    // A JdbcTemplate count goes to the standby too; @UsePrimary sends the admin page to the
    // primary.
    assertThat(Long.parseLong(get(browser, "/count").body()))
        .isEqualTo(countOn(cluster.standby(1)))
        .isLessThan(countOn(cluster.primary()));
    assertThat(Long.parseLong(get(browser, "/admin/count").body()))
        .isEqualTo(countOn(cluster.primary()));
    // The master parameter (balanced.web.master-params=m) sends a request to the primary.
    assertThat(get(browser, "/notes/" + id + "?m=1").statusCode()).isEqualTo(200);
  }

  @Test
  void afterAPostTheRedirectedPageShowsTheNoteAndAnotherBrowserDoesNotYet() throws Exception {
    cluster.pauseReplay(cluster.standby(1));
    HttpClient writer = browser();
    HttpResponse<String> page = post(writer, "my-own-note");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("my-own-note");
    String path = page.uri().getPath();
    assertThat(path).startsWith("/notes/");

    // Someone else, without the writer's cookie, reads the standby, which has not replayed it.
    HttpClient stranger = browser();
    assertThat(get(stranger, path).statusCode()).isEqualTo(404);
    // The writer's next pages keep showing it.
    assertThat(get(writer, path).body()).contains("my-own-note");

    cluster.resumeReplay(cluster.standby(1));
    cluster.waitForReplay(Duration.ofSeconds(30));
    assertThat(get(stranger, path).body()).contains("my-own-note");
  }

  @Test
  void theAsyncJobAfterAPostFindsTheNote() throws Exception {
    cluster.pauseReplay(cluster.standby(1));
    HttpClient writer = browser();
    String id = post(writer, "audited").uri().getPath().substring("/notes/".length());
    String audit = poll(() -> get(browser(), "/audits/" + id), r -> r.statusCode() == 200).body();
    // The job ran on another thread with the request's token: it read where the note is.
    assertThat(audit).isEqualTo("found");
  }

  @Test
  void aWriteInAReadOnlyTransactionIsRefusedAndNothingIsWritten() throws Exception {
    long before = countOn(cluster.primary());
    assertThatThrownBy(() -> notes.writeInReadOnlyTransaction("refused"))
        .hasRootCauseInstanceOf(ReadOnlyWriteException.class);
    assertThat(countOn(cluster.primary())).isEqualTo(before);
  }

  @Test
  void healthShowsEachNodeAndAStoppedStandbyDegradesWithoutTakingTheApplicationDown()
      throws Exception {
    HttpClient browser = browser();
    HttpResponse<String> health = get(browser, "/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(status(health, "primary")).isEqualTo("UP");
    assertThat(status(health, "replica1")).isEqualTo("UP");
    assertThat(
            (Integer)
                JsonPath.read(
                    health.body(), "$.components.balanced.components.replica1.details.poolMax"))
        .isPositive();

    PgNode standby = cluster.standby(1);
    cluster.stop(standby);
    try {
      // The application keeps serving: reads that found the standby gone go to the primary.
      assertThat(get(browser, "/").statusCode()).isEqualTo(200);
      HttpResponse<String> degraded =
          poll(
              () -> get(browser, "/actuator/health"),
              r -> "DEGRADED".equals(status(r, "replica1")));
      assertThat(degraded.statusCode()).isEqualTo(200);
      assertThat(status(degraded, "primary")).isEqualTo("UP");
      assertThat((String) JsonPath.read(degraded.body(), "$.status")).isNotEqualTo("DOWN");
    } finally {
      cluster.start(standby);
    }
    cluster.waitForReplay(Duration.ofSeconds(30));
    poll(
        () -> {
          get(browser, "/"); // a unit of work that tries the standby again once its retry is due
          return get(browser, "/actuator/health");
        },
        r -> "UP".equals(status(r, "replica1")));
  }

  private static String status(HttpResponse<String> health, String node) {
    return JsonPath.read(health.body(), "$.components.balanced.components." + node + ".status");
  }

  interface Request {
    HttpResponse<String> send() throws Exception;
  }

  /** Sends {@code request} until {@code done} accepts the answer, for at most 30 seconds. */
  private static HttpResponse<String> poll(Request request, Predicate<HttpResponse<String>> done)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    HttpResponse<String> response = request.send();
    while (!done.test(response)) {
      assertThat(System.nanoTime()).as("answer in time: " + response.body()).isLessThan(deadline);
      Thread.sleep(100);
      response = request.send();
    }
    return response;
  }
}
