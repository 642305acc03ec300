package dev.balanced.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which statements {@link SqlClassifier} sends to the primary. Doubt means write. */
class SqlClassifierTest {

  @ParameterizedTest(name = "read: {0}")
  @ValueSource(
      strings = {
        "select * from item",
        "SELECT id FROM item WHERE id = 1",
        "  \n\tselect 1",
        "Select name from item order by name",
        "select * from item where updated_at > now()",
        "select next_value, nextvalue from counters",
        "select * from information_for_update",
        "select * from item i join item_share s on i.id = s.id",
        "select * from item where name = 'x' for", // "for" alone locks nothing
        "select currval('item_seq')",
        "select * from item limit 10 offset 5",
        "select count(*) from item group by name having count(*) > 1",
        "with recent as (select * from item) select * from recent",
        "WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT * FROM t",
        "with updated_items as (select * from item) select * from updated_items",
        "values (1, 2), (3, 4)",
        "VALUES 1",
        "explain select * from item",
        "EXPLAIN ANALYZE SELECT * FROM item",
        "show tables",
        "SHOW search_path",
        "/* list items */ select * from item",
        "/* a */ /* b */ select 1",
        "-- list items\nselect * from item",
        "-- one\n-- two\n  select 1",
        "(select id from item) union (select id from item)",
        "((select 1))",
        "/* insert */ select 1",
        "select 'hello' as greeting",
      })
  void reads(String sql) {
    assertFalse(SqlClassifier.isWrite(sql), sql);
  }

  @ParameterizedTest(name = "write: {0}")
  @ValueSource(
      strings = {
        // DML
        "insert into item values (1, 'a')",
        "INSERT INTO item SELECT * FROM staging",
        "update item set name = 'b' where id = 1",
        "Update item set name = 'b'",
        "delete from item where id = 1",
        "DELETE FROM item",
        "merge into item using staging on (item.id = staging.id) when matched then update set name = staging.name",
        "upsert into item values (1, 'a')",
        "replace into item values (1, 'a')",
        // procedures
        "call refresh_totals()",
        "{call refresh_totals()}",
        "CALL next value for item_seq",
        "exec refresh_totals",
        // DDL
        "create table t(id int)",
        "CREATE INDEX i ON item(name)",
        "drop table t",
        "alter table item add column price int",
        "truncate table item",
        "TRUNCATE item",
        "grant select on item to reader",
        "comment on table item is 'items'",
        // locking reads
        "select * from item for update",
        "SELECT * FROM item WHERE id = 1 FOR UPDATE",
        "select * from item for update nowait",
        "select * from item for update skip locked",
        "select * from item for share",
        "SELECT * FROM item FOR SHARE",
        "select * from item for no key update",
        "select * from item for key share",
        "select * from item for\n  update",
        "select * from item for /* lock */ update",
        "select * from item lock in share mode",
        "SELECT * FROM item LOCK IN SHARE MODE",
        "(select * from item for update)",
        "with x as (select * from item) select * from x for update",
        // sequences
        "select nextval('item_seq')",
        "SELECT NEXTVAL('item_seq')",
        "select nextval ('item_seq')",
        "select next value for item_seq",
        "SELECT NEXT VALUE FOR item_seq",
        "select id, next value for item_seq from item",
        "values next value for item_seq",
        "select setval('item_seq', 42)",
        "with x as (select nextval('s') as id) select * from x",
        // data-modifying CTEs
        "with gone as (delete from item where id = 1 returning *) select * from gone",
        "WITH moved AS (UPDATE item SET name = 'b' RETURNING id) SELECT count(*) FROM moved",
        "with n as (insert into item values (1, 'a') returning id) select id from n",
        "with s as (select 1) merge into item using s on (1 = 0) when not matched then insert values (1, 'a')",
        "with s as (select * from staging) insert into item select * from s",
        // statements that execute what they explain, or create tables
        "explain analyze delete from item",
        "EXPLAIN ANALYZE UPDATE item SET name = 'b'",
        "explain analyze select nextval('item_seq')",
        "select * into item_copy from item",
        "SELECT id INTO TEMP ids FROM item",
        // leading noise
        "/* read? */ insert into item values (1, 'a')",
        "-- comment\nupdate item set name = 'b'",
        "(insert into item values (1, 'a'))",
        "  /* a */ -- b\n ( delete from item)",
        // unknown or unusual verbs
        "set schema public",
        "SET search_path TO app",
        "begin",
        "commit",
        "rollback",
        "vacuum item",
        "analyze item",
        "lock table item in exclusive mode",
        "refresh materialized view totals",
        "table item",
        "do $$ begin perform 1; end $$",
        "frobnicate the database",
        "",
        "   ",
        "/* only a comment */",
        "-- only a comment",
        "/* unterminated comment select 1",
        "selectx from item",
        "withdraw from account",
      })
  void writes(String sql) {
    assertTrue(SqlClassifier.isWrite(sql), sql);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "insert into item values (1, 'secret') | SQL statement 'insert into item ...'",
        "INSERT   INTO   item(id) VALUES (1) | SQL statement 'INSERT INTO item ...'",
        "update item set name = 'secret' | SQL statement 'update item ...'",
        "delete from item where id = 1 | SQL statement 'delete from item ...'",
        "merge into item using s on (1 = 1) | SQL statement 'merge into item ...'",
        "truncate item | SQL statement 'truncate item'",
        "/* note */ drop table item | SQL statement 'drop ...'",
        "select next value for s | SQL statement 'select ... next value for s ...'",
        "select i.id from item i where i.id = 7 for update of i |"
            + " SQL statement 'select ... for update of i ...'",
        "select * from item where name = 'x' FOR NO KEY UPDATE |"
            + " SQL statement 'select ... FOR NO KEY UPDATE ...'",
        "select nextval('item_seq') | SQL statement 'select ... nextval ...'",
        "select * from item lock in share mode | SQL statement 'select ... lock in share mode ...'",
        "select 1 | SQL statement 'select ...'",
      })
  void describeNamesTheVerbAndTableButNoValues(String sql, String expected) {
    assertEquals(expected, SqlClassifier.describe(sql));
  }

  @Test
  void describeFindsTheTableAcrossLineBreaks() {
    assertEquals(
        "SQL statement 'insert into item ...'",
        SqlClassifier.describe("insert\n  into\titem (id) values (1)"));
  }

  @Test
  void describeNeverShowsLiterals() {
    String description = SqlClassifier.describe("update item set name = 'top secret' where id = 7");
    assertFalse(description.contains("top secret"), description);
    assertFalse(description.contains("7"), description);
  }
}
