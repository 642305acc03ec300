package dev.balanced.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatementVerdictsTest {

  @Test
  void remembersTheClassifiersAnswer() {
    StatementVerdicts verdicts = new StatementVerdicts(SqlClassifier.BUILT_IN);
    for (int round = 0; round < 2; round++) {
      assertFalse(verdicts.isWrite("select * from item where id = ?"));
      assertTrue(verdicts.isWrite("select * from item where id = ? for update"));
      assertTrue(verdicts.isWrite("insert into item values (?)"));
      assertTrue(verdicts.isWrite("select nextval('s')"));
    }
    assertEquals(4, verdicts.size());
  }

  @Test
  void staysBoundedWhenEveryStatementIsNew() {
    StatementVerdicts verdicts = new StatementVerdicts(SqlClassifier.BUILT_IN);
    for (int i = 0; i < StatementVerdicts.MAX_ENTRIES * 3; i++) {
      assertFalse(verdicts.isWrite("select * from item where id = " + i));
      assertTrue(verdicts.size() <= StatementVerdicts.MAX_ENTRIES);
    }
  }

  @Test
  void longStatementsAreClassifiedButNotKept() {
    StatementVerdicts verdicts = new StatementVerdicts(SqlClassifier.BUILT_IN);
    String longInsert =
        "insert into item values ('" + "x".repeat(StatementVerdicts.MAX_CACHED_LENGTH) + "')";
    assertTrue(verdicts.isWrite(longInsert));
    assertEquals(0, verdicts.size());
  }
}
