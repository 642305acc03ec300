package dev.balanced.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.spi.FunctionName;
import java.lang.management.ManagementFactory;
import java.util.List;
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
        // functions that only read, some with names close to ones that write
        "select lo_get(42)",
        "select LO_GET(42, 0, 10)",
        "select current_setting('app.tenant')",
        "select txid_current_snapshot()",
        "select pg_is_in_recovery()",
        "select * from pg_locks where locktype = 'advisory'",
        "select my_get_lock(1)",
        "select get_lock_count(1)",
        "select lower(name), coalesce(note, '') from item",
        "select local_time(1)",
        "select 'pg_notify' as name",
        "select pg_notify_count from stats",
        "select archive_order(42)", // declared functions only count where declared
        "select * from item where id in (select id from item)",
        // MySQL/MariaDB: statements that only read or describe, and comments MySQL's way
        "DESCRIBE item",
        "describe item name",
        "DESC item",
        "SHOW CREATE TABLE item",
        "show slave status",
        "EXPLAIN SELECT * FROM item",
        "# a MySQL comment\nselect * from item",
        "# one\n# two\n  -- three\nSELECT 1",
        "DO 1",
        "do sleep(0)",
        "DO 1 + 2, 'x'",
        "select 1;",
        "select 1 ;  ",
        "select 1; select 2",
        "SELECT a FROM t; SHOW TABLES; DESCRIBE t",
        "select id from `item` where `name` = 'x'",
      })
  void reads(String sql) {
    assertFalse(SqlClassifier.BUILT_IN.isWrite(sql), sql);
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
        // PostgreSQL advisory locks
        "select pg_advisory_lock(42)",
        "select pg_advisory_lock(1, 2)",
        "select pg_advisory_lock_shared(42)",
        "select pg_advisory_xact_lock(42)",
        "select pg_advisory_xact_lock_shared(42)",
        "select pg_try_advisory_lock(42)",
        "select pg_try_advisory_lock_shared(42)",
        "select pg_try_advisory_xact_lock(42)",
        "select pg_try_advisory_xact_lock_shared(42)",
        "select pg_advisory_unlock(42)",
        "select pg_advisory_unlock_shared(42)",
        "select pg_advisory_unlock_all()",
        "SELECT PG_ADVISORY_LOCK(42)",
        "select pg_catalog.pg_advisory_lock(42)",
        "select \"pg_advisory_lock\"(42)",
        "select pg_catalog.\"pg_advisory_lock\"(42)",
        "select pg_advisory_lock (42)",
        "select pg_advisory_lock\n(42)",
        "select pg_advisory_lock/* why */(42)",
        "select id from job where pg_try_advisory_xact_lock(id) limit 1",
        "select count(*), pg_try_advisory_lock(hashtext(name)) from item group by name",
        "with j as (select pg_try_advisory_xact_lock(id) as got from job) select * from j",
        "explain analyze select pg_advisory_lock(42)",
        "values (pg_advisory_lock(42))",
        // functions a standby refuses or whose effect belongs on the primary
        "select txid_current()",
        "select txid_current_if_assigned()",
        "select pg_current_xact_id()",
        "select pg_current_xact_id_if_assigned()",
        "select pg_current_wal_lsn()",
        "select pg_current_wal_insert_lsn()",
        "select pg_notify('orders', '42')",
        "select pg_catalog.pg_notify('orders', '42')",
        "select set_config('app.tenant', 'acme', false)",
        "select set_config('app.tenant', 'acme', true)",
        "select lo_create(0)",
        "select lo_creat(-1)",
        "select lo_import('/tmp/x')",
        "select lo_export(42, '/tmp/x')",
        "select lo_unlink(42)",
        "select lo_put(42, 0, '\\x00')",
        "select lo_from_bytea(0, '\\x00')",
        "select lo_open(42, 262144)",
        "select lo_close(0)",
        "select lo_lseek64(0, 0, 0)",
        "select lo_truncate(0, 0)",
        "select loread(0, 8192)",
        "select lowrite(0, '\\x00')",
        "select dblink_exec('dbname=app', 'insert into audit values (1)')",
        "select dblink_connect('audit', 'dbname=app')",
        "select * from dblink('dbname=app', 'select 1') as t(x int)",
        // MySQL/MariaDB named locks, variables and row locks
        "SELECT GET_LOCK('job', 10)",
        "select get_lock('job', 10)",
        "SELECT RELEASE_LOCK('job')",
        "SELECT RELEASE_ALL_LOCKS()",
        "SELECT IS_FREE_LOCK('job')",
        "SELECT IS_USED_LOCK('job')",
        "select `get_lock`('job', 10)",
        "SELECT id INTO @id FROM item WHERE name = 'a'",
        "select count(*) from item into @n",
        "SELECT * FROM item WHERE id = 1 LOCK IN SHARE MODE",
        "SELECT * FROM item WHERE id = 1 FOR SHARE",
        "SELECT * FROM item FOR SHARE NOWAIT",
        "SELECT * FROM item FOR SHARE SKIP LOCKED",
        "SELECT * FROM item WHERE id = 1 FOR UPDATE SKIP LOCKED",
        "SELECT * FROM item WHERE id = 1 FOR UPDATE NOWAIT",
        "select * from item for update of item skip locked",
        "select * from item for update wait 5",
        // not parsed: a call in a literal or comment counts (doubt means write)
        "select * from item where note = 'pg_notify(x)'",
        "select 1 /* pg_advisory_lock(1) */",
        // MySQL/MariaDB: named locks, also through DO, in any case, spaced or quoted
        "select get_lock('job', 10)",
        "SELECT GET_LOCK('job', 10)",
        "select get_lock ('job', 10)",
        "select `get_lock`('job', 10)",
        "select release_lock('job')",
        "select release_all_locks()",
        "select is_free_lock('job')",
        "select IS_USED_LOCK('job')",
        "DO GET_LOCK('job', 10)",
        "do release_lock('job')",
        "DO (SELECT id FROM item FOR UPDATE)",
        // results into variables and files live on the server that ran the query
        "select count(*) into @n from item",
        "SELECT id INTO @id FROM item LIMIT 1",
        "select * from item into outfile '/tmp/item.csv'",
        "SELECT * FROM item INTO DUMPFILE '/tmp/item.bin'",
        "select * from item lock in share mode",
        "SELECT * FROM item FOR UPDATE NOWAIT",
        "SELECT * FROM item FOR UPDATE SKIP LOCKED",
        "select next value for item_seq",
        // several statements: a write anywhere makes the string a write
        "select 1; update item set name = 'x'",
        "SELECT 1;DELETE FROM item",
        "select 1; select get_lock('x', 1)",
        "set @x = 1; insert into item values (1)",
        "select ';'; update item set name = 'x'",
        "show tables; drop table item",
        // executable comments run their content
        "/*!40101 UPDATE item SET name = 'x' */",
        "/*M!100100 DELETE FROM item */ select 1",
        "/*! select 1 */",
        // a # comment hides nothing after its line
        "# comment\nupdate item set name = 'x'",
        "# select\ndelete from item",
        // PostgreSQL's DO runs a code block, whatever it holds
        "DO $$BEGIN CREATE TABLE t (id int); END$$",
        "do 'begin perform 1; end'",
        "DO LANGUAGE plpgsql $$BEGIN NULL; END$$",
        "do E'begin null; end'",
        // MariaDB's ANALYZE runs the statement it analyzes
        "ANALYZE UPDATE item SET name = 'x'",
      })
  void writes(String sql) {
    assertTrue(SqlClassifier.BUILT_IN.isWrite(sql), sql);
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
        "select pg_advisory_xact_lock(42) | SQL statement 'select ... pg_advisory_xact_lock ...'",
        "select pg_catalog.pg_try_advisory_lock(42) |"
            + " SQL statement 'select ... pg_try_advisory_lock ...'",
        "SELECT GET_LOCK('job', 10) | SQL statement 'SELECT ... GET_LOCK ...'",
        "select txid_current() | SQL statement 'select ... txid_current ...'",
      })
  void describeNamesTheVerbAndTableButNoValues(String sql, String expected) {
    assertEquals(expected, SqlClassifier.BUILT_IN.describe(sql));
  }

  @Test
  void describeFindsTheTableAcrossLineBreaks() {
    assertEquals(
        "SQL statement 'insert into item ...'",
        SqlClassifier.BUILT_IN.describe("insert\n  into\titem (id) values (1)"));
  }

  @Test
  void describeNeverShowsLiterals() {
    String description =
        SqlClassifier.BUILT_IN.describe("update item set name = 'top secret' where id = 7");
    assertFalse(description.contains("top secret"), description);
    assertFalse(description.contains("7"), description);
  }

  private static final SqlClassifier DECLARED =
      SqlClassifier.withWriteFunctions(
          List.of(
              new FunctionName(null, "archive_order"),
              new FunctionName("app", "bump_counter"),
              new FunctionName(null, "Odd Name"),
              new FunctionName("Billing", "Close-Month")));

  @ParameterizedTest(name = "write: {0}")
  @ValueSource(
      strings = {
        "select archive_order(42)",
        "SELECT ARCHIVE_ORDER(42)",
        "select Archive_Order (42)",
        "select app.archive_order(42)",
        "select other.archive_order(42)",
        "select \"archive_order\"(42)",
        "select \"app\".\"archive_order\"(42)",
        "select * from item where archive_order(id) > 0",
        "with a as (select archive_order(42)) select * from a",
        "select app.bump_counter()",
        "select APP.BUMP_COUNTER()",
        "select app . bump_counter ()",
        "select \"app\".\"bump_counter\"()",
        "select bump_counter()", // the search path may resolve it to app
        "select \"Odd Name\"(1)",
        "select \"odd name\"(1)",
        "select \"Billing\".\"Close-Month\"(1)",
        // the built-in rules still apply
        "select pg_advisory_lock(42)",
        "select * from item for update",
      })
  void declaredWriteFunctions(String sql) {
    assertTrue(DECLARED.isWrite(sql), sql);
  }

  @ParameterizedTest(name = "read: {0}")
  @ValueSource(
      strings = {
        "select other.bump_counter()",
        "select public.bump_counter()",
        "select archive_orders(42)",
        "select x_archive_order(42)",
        "select archive_order from item",
        "select bump_counter_total()",
        "select app.bump_counter_total()",
        "select \"Other\".\"Close-Month\"(1)",
        "select * from item",
      })
  void callsThatOnlyLookLikeDeclaredWriteFunctions(String sql) {
    assertFalse(DECLARED.isWrite(sql), sql);
  }

  @Test
  void noDeclaredFunctionsMeansTheBuiltInRules() {
    assertSame(SqlClassifier.BUILT_IN, SqlClassifier.withWriteFunctions(List.of()));
  }

  /**
   * The classifier runs for every statement text a router has not seen: it must not allocate (no
   * regex, no substring per call). Counted with HotSpot's per-thread allocation counter.
   */
  @Test
  void classifyingAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String[] statements = {
      "select i.id, lower(i.name), coalesce(i.note, '') from item i where i.id in (?, ?, ?)",
      "select app.bump_counter(?)",
      "select \"Odd Name\"(?) /* x */",
      "select * from item where id = ? for update skip locked",
      "with x as (select count(*) from item) select * from x",
    };
    boolean[] verdicts = new boolean[statements.length];
    for (int warm = 0; warm < 20_000; warm++) {
      classifyAll(statements, verdicts);
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    int rounds = 10_000;
    for (int round = 0; round < rounds; round++) {
      classifyAll(statements, verdicts);
    }
    long bytes = threads.getCurrentThreadAllocatedBytes() - before;
    long classified = (long) rounds * statements.length;
    // Under 1 B per statement: one object per call would be at least 16 B. What little shows is the
    // JVM's own (compilation, the counter itself), not growing with the rounds.
    assertTrue(bytes < classified, bytes + " B allocated for " + classified + " statements");
  }

  private static void classifyAll(String[] statements, boolean[] verdicts) {
    for (int i = 0; i < statements.length; i++) {
      verdicts[i] = DECLARED.isWrite(statements[i]);
    }
  }
}
