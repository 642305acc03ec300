package dev.balanced.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.internal.routing.SqlClassifier.SessionState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MySQL's and MariaDB's statements: what only means something on the primary goes there (named
 * locks, results into variables and files, a write anywhere in a string of several statements),
 * what is harmless does not pin ({@code SET @x}, {@code DO} without effects, {@code SHOW}, {@code
 * DESCRIBE}, {@code EXPLAIN}, comments MySQL's way). The classifier does not know the database, so
 * PostgreSQL's verdicts must not move: {@code #} is an operator there.
 */
class MySqlClassifierTest {

  private static final SqlClassifier CLASSIFIER = SqlClassifier.BUILT_IN;

  @ParameterizedTest(name = "primary: {0}")
  @ValueSource(
      strings = {
        // named locks: a replica grants them and they exclude nothing on the primary
        "SELECT GET_LOCK('job', 10)",
        "select get_lock('job', 10)",
        "select Get_Lock('job', 10)",
        "select GET_LOCK ('job', 10)",
        "select GET_LOCK\n('job', 10)",
        "select GET_LOCK/* why */('job', 10)",
        "select `GET_LOCK`('job', 10)",
        "select `get_lock` ('job', 10)",
        "SELECT RELEASE_LOCK('job')",
        "select release_lock ( 'job' )",
        "SELECT RELEASE_ALL_LOCKS()",
        "select release_all_locks ()",
        "SELECT IS_FREE_LOCK('job')",
        "select is_free_lock('job')",
        "SELECT IS_USED_LOCK('job')",
        "select `is_used_lock`('job')",
        "select id from job where is_free_lock(concat('job', id)) limit 1",
        "select if(get_lock('x', 0), 'got', 'busy')",
        "select 1 from dual where get_lock('x', 0) = 1",
        "with j as (select get_lock('x', 0) as got) select * from j",
        "/* why */ select get_lock('x', 1)",
        "# why\nselect get_lock('x', 1)",
        "-- why\nSELECT GET_LOCK('x', 1)",
        // DO evaluates its expressions: a lock function has its effect
        "DO GET_LOCK('job', 10)",
        "do get_lock ('job', 10)",
        "Do Get_Lock('job', 10)",
        "DO RELEASE_LOCK('job')",
        "DO RELEASE_ALL_LOCKS()",
        "DO IS_FREE_LOCK('job')",
        "DO IS_USED_LOCK('job')",
        "DO 1, GET_LOCK('job', 10)",
        "DO `get_lock`('job', 10)",
        "# why\nDO GET_LOCK('job', 10)",
        "/* why */ DO GET_LOCK('job', 10)",
        "DO (SELECT id FROM item FOR UPDATE)",
        "DO NEXT VALUE FOR item_seq",
        "DO nextval(item_seq)",
        "DO @n := 1",
        // results into session variables and server files
        "SELECT id INTO @id FROM item LIMIT 1",
        "select id from item limit 1 into @id",
        "SELECT id, name INTO @id, @name FROM item LIMIT 1",
        "select count(*) from item into @`n`",
        "(select id from item limit 1) into @id",
        "WITH c AS (SELECT 1 AS n) SELECT n INTO @n FROM c",
        "/* why */ SELECT id INTO @id FROM item",
        "# why\nselect 1 into @one",
        "SELECT * FROM item INTO OUTFILE '/tmp/item.csv'",
        "select * into outfile '/tmp/item.csv' from item",
        "select * from item\ninto\noutfile '/tmp/item.csv'",
        "SELECT data FROM item LIMIT 1 INTO DUMPFILE '/tmp/item.bin'",
        "select data from item limit 1 into dumpfile '/tmp/item.bin'",
        // a user variable assigned by a query, like INTO @n: it is set where the query ran
        "select @n := count(*) from item",
        "SELECT @rn:=@rn+1 AS rn, id FROM item",
        "select id, @total := @total + price from item",
        "select @`n` := 1",
        "select @'n' := 1",
        "select @\"n\" := 1",
        "select @n\n:= 1",
        "select 'x@' , @n := 1",
        "with t as (select @n := 1) select * from t",
        // several statements (allowMultiQueries): a write anywhere makes the string a write
        "select 1; update item set name = 'x'",
        "SELECT 1;\nINSERT INTO item VALUES (1)",
        "select 1 ; delete from item ;",
        "show tables; delete from item",
        "describe item; drop table item",
        "select 1; select get_lock('x', 1)",
        "select 1; do get_lock('x', 1)",
        "select 1; select 1 into @x",
        "select 1; select @x := 1",
        "select 1; set @x = 1",
        "set @x = 1; select @x",
        "select 1; /*!40101 update item set name = 'x' */",
        "select 1;# why\nupdate item set name = 'x'",
        "select 1;-- why\nupdate item set name = 'x'",
        "select 1;; update item set name = 'x'",
        "select 1; select 2; select 3; update item set name = 'x'",
        "select 'a;b'; update item set name = 'x'",
        ";",
        " ; ; ",
        "# only a comment",
        // executable comments run their content: one that starts a statement is not known to read
        "/*!40101 SELECT 1 */",
        "/*!50000 UPDATE item SET name = 'x' */",
        "/*M!100100 SELECT 1 */",
        "/*m!100100 select 1 */",
        "/*!*/ select 1",
        "/*!40101 SET NAMES utf8mb4 */",
        // ... and inside a statement their content counts, as do comments MySQL's way
        "select * from item for /*!50000 update */",
        "SELECT * FROM item /*!50000 FOR UPDATE */",
        "select * from item for /*!50000*/ update",
        "select * from item lock /*! in */ share mode",
        "select next /*!50000 value */ for item_seq",
        "select * from item for # why\nupdate",
        "select * from item for -- why\nupdate",
        "select /*!50000 get_lock */ ('x', 1)",
        "select /*!50000 get_lock*/('x', 1)",
        "SELECT /*M!100100 GET_LOCK */ ('x', 1)",
        "select /*!50000 get_lock('x', 1) */",
        "select get_lock /*!50000 */ ('x', 1)",
        "select get_lock/*!*/('x', 1)",
        "select get_lock /*!50000 ('x', 1) */",
        // comments before a write hide nothing after their line
        "# why\nupdate item set name = 'x'",
        "#why\r\ndelete from item",
        "# select\n-- select\n/* select */ update item set name = 'x'",
        "--\tselect\ninsert into item values (1)",
        // explaining runs the statement only when analyzing it, and DESCRIBE is EXPLAIN's synonym
        "EXPLAIN ANALYZE UPDATE item SET name = 'x'",
        "explain analyze delete from item",
        "EXPLAIN ANALYZE SELECT id INTO @id FROM item",
        "DESCRIBE ANALYZE SELECT GET_LOCK('x', 1)",
        "DESC ANALYZE DELETE FROM item",
        "desc analyze select * from item for update",
        "ANALYZE UPDATE item SET name = 'x'",
        "analyze format=json delete from item",
        "ANALYZE TABLE item",
        // unknown to be reads
        "HANDLER item OPEN",
        "LOCK TABLES item READ",
        "UNLOCK TABLES",
        "FLUSH TABLES",
        "USE app",
      })
  void goesToThePrimary(String sql) {
    assertTrue(CLASSIFIER.isWrite(sql), sql);
  }

  @ParameterizedTest(name = "read: {0}")
  @ValueSource(
      strings = {
        // DO without effects
        "DO 1",
        "do 1",
        "DO SLEEP(0)",
        "do sleep (0)",
        "DO 1, 2",
        "DO (SELECT COUNT(*) FROM item)",
        "/* why */ DO 1",
        "# why\nDO 1",
        "-- why\nDO SLEEP(0)",
        // SHOW, DESCRIBE, EXPLAIN
        "SHOW TABLES",
        "show variables like 'sql_mode'",
        "SHOW GLOBAL STATUS",
        "SHOW SESSION VARIABLES",
        "show create table `item`",
        "SHOW PROCESSLIST",
        "DESCRIBE item",
        "describe `item`",
        "Describe item name",
        "DESC item",
        "desc `item` `name`",
        "DESCRIBE SELECT * FROM item",
        "EXPLAIN SELECT * FROM item",
        "explain format=json select * from item",
        "EXPLAIN ANALYZE SELECT * FROM item",
        "DESC ANALYZE SELECT * FROM item",
        "EXPLAIN FOR CONNECTION 42",
        "# why\nSHOW TABLES",
        "-- why\nDESCRIBE item",
        // comments MySQL's way before a read
        "# why\nselect 1",
        "#why\r\nselect 1",
        "#\nselect 1",
        "  # indented\n select 1",
        "-- why\nselect 1",
        "--\twhy\nSELECT 1",
        "# a\n-- b\n/* c */ select 1",
        // backticks
        "select `id`, `name` from `item` where `id` = 1",
        "select `get_lock_count` from `item`",
        "select `t`.`id` from `app`.`item` `t`",
        // comments and hints inside a read
        "select /*!40001 SQL_NO_CACHE */ * from item",
        "SELECT /*+ MAX_EXECUTION_TIME(1000) */ * FROM item",
        "select * from item # no lock here",
        // names that only look like lock functions, or are not called
        "select get_lock_count(1)",
        "select my_get_lock(1)",
        "select `is_free_lock_x`(1)",
        "select get_lock from item",
        "select is_used_lock_count from stats",
        "select release_locks_total from stats",
        // user variables read, compared, not assigned
        "select @n",
        "select @n + 1 from item",
        "select * from item where id = @id",
        "select @n = 1",
        "select @@session.sql_mode",
        "select @@global.read_only",
        "select 'a@b.example' as mail",
        // several statements that all read, and empty ones
        "select 1; select 2;",
        "SHOW TABLES; DESCRIBE item; EXPLAIN SELECT 1",
        "select 1;; select 2",
        "select 1; -- done",
        "select 1; # done",
        "select 1; /* done */",
        "; select 1",
        "DO 1; DO SLEEP(0)",
      })
  void doesNotPin(String sql) {
    assertFalse(CLASSIFIER.isWrite(sql), sql);
  }

  /**
   * The classifier does not know the database: in PostgreSQL {@code #} is XOR, {@code @} is
   * absolute value or part of operators, {@code :=} names a function argument, and {@code /*!}
   * opens a plain comment. None of it may move a PostgreSQL verdict.
   */
  @ParameterizedTest(name = "PostgreSQL read: {0}")
  @ValueSource(
      strings = {
        "select 1 # 2",
        "select a # b from t",
        "select make_interval(days := 10)",
        "select f(a := 1, b := @c)",
        "select '{1,2}'::int[] @> array[1]",
        "select @ -5",
        "select * from doc where body @@ to_tsquery('x')",
        "select jsonb_path_query(j, '$.a ? (@ > 1)') from t",
        "select x from t where y = 1; ",
      })
  void postgreSqlReadsStayReads(String sql) {
    assertFalse(CLASSIFIER.isWrite(sql), sql);
  }

  @ParameterizedTest(name = "PostgreSQL write: {0}")
  @ValueSource(
      strings = {
        "select 1 # 2 for update",
        "select a # pg_advisory_lock(1)",
        "select pg_advisory_lock /*! x */ (1)",
        "select pg_advisory_lock/*!50000*/(1)",
        "select * from item for /*! x */ update",
        "select next /*! x */ value for item_seq",
        "select * from item lock /*!50000 x */ in share mode",
        "do /*! x */ $$begin end$$",
        "select 1 # 2\nfor update",
        "select * from item for update # 1",
        "do $$ begin perform 1; end $$",
        "DO $$BEGIN UPDATE item SET name = 'x'; END$$",
      })
  void postgreSqlWritesStayWrites(String sql) {
    assertTrue(CLASSIFIER.isWrite(sql), sql);
  }

  /** Carried to every connection of the unit of work: runs where the reads run, pins nothing. */
  @ParameterizedTest(name = "session state: {0}")
  @ValueSource(
      strings = {
        "SET @x = 1",
        "set @x := 1",
        "SET @x = 1, @y = 2",
        "SET @x = 1, @y := 2",
        "SET @`x` = 'global'",
        "# why\nSET @x = 1",
        "-- why\nSET @x = 1",
        "SET @x = (SELECT COUNT(*) FROM item)",
        "SET @x = @@global.max_connections",
        "SET @x = 1;",
        "SET @x = 1; -- done",
        "SET SESSION sql_mode = 'ANSI', @x = 1",
        "SET NAMES utf8mb4, @x = 1",
        "SET sql_mode = 'ANSI_QUOTES,NO_ZERO_DATE'",
        "SET @@session.sql_mode = 'ANSI', @@session.time_zone = '+00:00'",
        // PostgreSQL: schemas that happen to be named like MySQL's scopes
        "SET search_path = app, global",
        "SET search_path TO app, persist, autocommit",
      })
  void sessionStateDoesNotPin(String sql) {
    assertTrue(CLASSIFIER.isWrite(sql), "not a read: routed by its session state");
    assertEquals(SessionState.SESSION, CLASSIFIER.sessionState(sql), sql);
  }

  /** They change the server or the transaction mode, run a statement, or hide what they do. */
  @ParameterizedTest(name = "primary: {0}")
  @ValueSource(
      strings = {
        "SET @x = 1, GLOBAL max_connections = 10",
        "SET @x = 1, global `max_connections` = 10",
        "SET @x = 1, @@global.read_only = 1",
        "SET @x = 1,@@GLOBAL.read_only = 1",
        "SET @x = 1, PERSIST max_connections = 10",
        "SET @x = 1, PERSIST_ONLY max_connections = 10",
        "SET @x = 1, @@persist.max_connections = 10",
        "SET @x = 1, autocommit = 0",
        "SET @x = 1, autocommit := 0",
        "SET @x = 1, SESSION autocommit = 0",
        "SET @x = 1, @@session.autocommit = 0",
        "SET @x = 1, @@local.autocommit = 0",
        "SET @@local.autocommit = 0",
        "SET SESSION autocommit = 0",
        "SET @x = 1, /* why */ GLOBAL max_connections = 10",
        "SET @x = 1, -- why\n GLOBAL max_connections = 10",
        "SET @x = 1, # why\n GLOBAL max_connections = 10",
        "SET # why\nGLOBAL max_connections = 10",
        "SET /*!50000 GLOBAL */ max_connections = 10",
        "SET @x = 1 /*!, GLOBAL max_connections = 10 */",
        "SET PASSWORD = 'secret'",
        "SET PASSWORD FOR app = 'secret'",
        "SET DEFAULT ROLE ALL TO app",
        "SET RESOURCE GROUP batch",
        "SET STATEMENT max_statement_time = 1 FOR SELECT * FROM item",
        "SET STATEMENT max_statement_time = 1 FOR UPDATE item SET name = 'x'",
        "SET @x = GET_LOCK('x', 1)",
        "SET @x = IS_FREE_LOCK('x')",
        "SET @x = (SELECT id FROM item FOR UPDATE)",
        "SET @x = 1; UPDATE item SET name = 'x'",
        "SET @x = 1; SET @y = 2",
      })
  void setThatIsNotSessionState(String sql) {
    assertTrue(CLASSIFIER.isWrite(sql), sql);
    assertEquals(SessionState.NONE, CLASSIFIER.sessionState(sql), sql);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "DO GET_LOCK('job', 10) | SQL statement 'DO ... GET_LOCK ...'",
        "DESCRIBE ANALYZE SELECT GET_LOCK('x', 1) | SQL statement 'DESCRIBE ... GET_LOCK ...'",
        "SELECT id INTO @id FROM item | SQL statement 'SELECT ... INTO ...'",
        "select @n := count(*) from item | SQL statement 'select ... @n := ...'",
        "\"# why\nupdate item set name = 'x'\" | SQL statement 'update item ...'",
      })
  void describesWhatMakesAWrite(String sql, String expected) {
    assertEquals(expected, CLASSIFIER.describe(sql));
  }
}
