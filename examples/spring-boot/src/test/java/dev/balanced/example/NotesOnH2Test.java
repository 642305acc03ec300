package dev.balanced.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.balanced.BalancedDataSource;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The application as the README's command runs it, on its embedded H2 defaults: it starts, Balanced
 * is its DataSource, a post redirects to the note, and health lists both nodes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NotesOnH2Test {
  @LocalServerPort private int port;

  @Autowired private DataSource dataSource;

  private HttpResponse<String> send(HttpClient browser, HttpRequest.Builder request)
      throws Exception {
    return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Test
  void theDefaultConfigurationServesNotesThroughBalanced() throws Exception {
    assertThat(dataSource).isInstanceOf(BalancedDataSource.class);
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    HttpResponse<String> note =
        send(
            browser,
            HttpRequest.newBuilder(uri("/notes"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("text=hello")));
    assertThat(note.statusCode()).isEqualTo(200);
    assertThat(note.body()).contains("hello");
    assertThat(send(browser, HttpRequest.newBuilder(uri("/"))).body()).contains("hello");

    String health = send(browser, HttpRequest.newBuilder(uri("/actuator/health"))).body();
    assertThat((String) JsonPath.read(health, "$.status")).isEqualTo("UP");
    assertThat((String) JsonPath.read(health, "$.components.balanced.components.replica1.status"))
        .isEqualTo("UP");
  }
}
