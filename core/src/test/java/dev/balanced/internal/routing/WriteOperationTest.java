package dev.balanced.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The text a write is shown with in refusals, logs and pin reasons. */
class WriteOperationTest {

  @Test
  void anEntityWriteNamesTheActionTheEntityAndItsId() {
    assertEquals(
        "persist of com.example.Item",
        WriteOperation.of("persist", "com.example.Item", null).toString());
    assertEquals(
        "PESSIMISTIC_WRITE lock of com.example.Item#7",
        WriteOperation.of("PESSIMISTIC_WRITE lock", "com.example.Item", 7L).toString());
  }

  @Test
  void aStatementIsDescribedByItsFirstWordsAndTable() {
    assertEquals(
        "SQL statement 'update item ...'",
        WriteOperation.statement("update item set name = ? where id = ?", SqlClassifier.BUILT_IN)
            .toString());
  }
}
