package dev.balanced.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.balanced.spi.WriteIntent;
import org.junit.jupiter.api.Test;

/** The text a write is shown with in refusals, logs and pin reasons. */
class WriteIntentTest {

  @Test
  void anEntityWriteNamesTheActionTheEntityAndItsId() {
    assertEquals(
        "persist of com.example.Item",
        WriteIntent.of("persist", "com.example.Item", null).toString());
    assertEquals(
        "PESSIMISTIC_WRITE lock of com.example.Item#7",
        WriteIntent.of("PESSIMISTIC_WRITE lock", "com.example.Item", 7L).toString());
  }

  @Test
  void aStatementIsDescribedByItsFirstWordsAndTable() {
    assertEquals(
        "SQL statement 'update item ...'",
        new SqlWriteIntent("update item set name = ? where id = ?", SqlClassifier.BUILT_IN)
            .toString());
  }
}
