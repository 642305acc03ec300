package dev.balanced.internal.position;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PositionDatabasesTest {
  @Test
  void theUrlDecidesWhereItCan() {
    assertSame(WalPositions.SOURCE, PositionDatabases.byUrl("jdbc:postgresql://db/app"));
    assertSame(WalPositions.SOURCE, PositionDatabases.byUrl("jdbc:aws-wrapper:postgresql://db/a"));
    assertSame(GtidPositions.SOURCE, PositionDatabases.byUrl("jdbc:mariadb://db/app"));
    assertNull(PositionDatabases.byUrl("jdbc:mysql://db/app"), "MariaDB or MySQL: ask the server");
    assertTrue(PositionDatabases.mayHavePositions("jdbc:mysql://db/app"));
    assertFalse(PositionDatabases.mayHavePositions("jdbc:h2:mem:app"));
  }

  @Test
  void theServerDecidesForConnectorJ() {
    // What MySQL Connector/J reports for MariaDB 10.11.
    assertSame(
        GtidPositions.SOURCE,
        PositionDatabases.byServer("MySQL", "5.5.5-10.11.19-MariaDB-0+deb12u1-log"));
    assertSame(GtidPositions.SOURCE, PositionDatabases.byServer("MariaDB", "10.11.19-MariaDB"));
    assertSame(WalPositions.SOURCE, PositionDatabases.byServer("PostgreSQL", "15.19"));
  }

  /** MySQL's GTIDs are of another form and no MySQL server is tested here: refused, not guessed. */
  @Test
  void aMySqlServerIsRefusedSayingWhy() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PositionDatabases.byServer("MySQL", "8.4.3"));
    assertTrue(e.getMessage().contains("MySQL server (8.4.3)"), e.getMessage());
    assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    IllegalArgumentException h2 =
        assertThrows(
            IllegalArgumentException.class, () -> PositionDatabases.byServer("H2", "2.3.232"));
    assertTrue(h2.getMessage().contains("H2 2.3.232"), h2.getMessage());
  }
}
