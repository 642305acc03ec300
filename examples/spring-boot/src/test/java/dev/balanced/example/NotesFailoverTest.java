package dev.balanced.example;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import dev.balanced.testing.pg.PostgresCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The unmodified Notes application with {@code balanced.topology=discover}: Boot's data source
 * gives only the credentials, {@code balanced.nodes.*} the servers. The primary crashes and a
 * standby is promoted while the application runs: pages keep being served from the standbys, and
 * new notes are written to the promoted standby without a restart.
 */
@PostgresCluster(standbys = 2)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class NotesFailoverTest {
  private static PgCluster cluster;

  @LocalServerPort private int port;

  @BeforeAll
  static void cluster(PgCluster started) {
    cluster = started;
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("balanced.topology", () -> "discover");
    registry.add("balanced.topology-check-ms", () -> "200");
    registry.add("balanced.nodes.origin.url", () -> cluster.primary().jdbcUrl());
    registry.add("balanced.nodes.standby1.url", () -> cluster.standby(1).jdbcUrl());
    registry.add("balanced.nodes.standby2.url", () -> cluster.standby(2).jdbcUrl());
    registry.add("spring.datasource.username", () -> PgNode.USER);
    registry.add("spring.datasource.password", () -> "");
    registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
    registry.add("spring.jpa.hibernate.ddl-auto", () -> "create");
    registry.add("balanced.replica-retry-seconds", () -> "1");
  }

  private final HttpClient browser =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  private HttpResponse<String> get(String path) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String text) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notes"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("text=" + text))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> notesOn(PgNode node) throws Exception {
    List<String> texts = new ArrayList<>();
    try (Connection connection = node.connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("select text from note")) {
      while (rs.next()) {
        texts.add(rs.getString(1));
      }
    }
    return texts;
  }

  @Test
  void afterAFailoverNotesGoToThePromotedStandbyWithoutARestart() throws Exception {
    cluster.waitForReplay(Duration.ofSeconds(30));
    assertThat(post("before").statusCode()).isEqualTo(200);
    cluster.waitForReplay(Duration.ofSeconds(30));

    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> console = root.getAppender("console");
    // Failed writes during the outage are logged (Hibernate, Spring MVC); they are expected here.
    log.start();
    root.addAppender(log);
    root.detachAppender(console);
    PgNode promoted;
    try {
      promoted = cluster.failover();
      // Pages keep being served while writes find their way.
      assertThat(get("/").statusCode()).isEqualTo(200);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int attempt = 0;
      while (post("after-" + attempt).statusCode() != 200) {
        assertThat(get("/").statusCode()).as("reads during the outage").isEqualTo(200);
        assertThat(System.nanoTime()).as("a note written within 20 s").isLessThan(deadline);
        attempt++;
        Thread.sleep(100);
      }
      assertThat(notesOn(promoted)).contains("before", "after-" + attempt);
    } finally {
      root.addAppender(console);
      root.detachAppender(log);
    }
    assertThat(get("/").statusCode()).isEqualTo(200);
  }
}
