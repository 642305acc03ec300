package dev.balanced;

import static dev.balanced.Queries.insertItem;
import static dev.balanced.Queries.servedBy;
import static dev.balanced.Queries.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pins shared by the connections of one {@link PinningContext}. */
class PinningContextTest {
  private static final List<String> REPLICAS = List.of("r1", "r2");

  private TestCluster cluster;
  private BalancedDataSource dataSource;
  private ExecutorService otherThread;

  @BeforeEach
  void start() {
    cluster = TestCluster.start();
    dataSource = cluster.dataSource;
    otherThread = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void close() throws Exception {
    PinningContext leftOver = PinningContext.current();
    while (PinningContext.current() != null) {
      PinningContext.current().close(); // so one failing test does not spoil the next ones
    }
    try {
      assertNull(leftOver, "a test left a context bound to the thread");
      otherThread.shutdownNow();
      assertTrue(otherThread.awaitTermination(10, TimeUnit.SECONDS));
    } finally {
      cluster.close();
    }
  }

  @Test
  void noContextIsBoundByDefault() {
    assertNull(PinningContext.current());
  }

  @Test
  void aWriteInOneConnectionMakesLaterConnectionsOfTheContextReadFromThePrimary() throws Exception {
    try (PinningContext context = PinningContext.open()) {
      try (Connection first = dataSource.getConnection()) {
        assertTrue(REPLICAS.contains(servedBy(first)));
        insertItem(first, 1);
      }
      assertTrue(context.isPinned());
      try (Connection second = dataSource.getConnection()) {
        assertTrue(session(second).isPinned());
        assertEquals("primary", servedBy(second));
      }
    }
    try (Connection afterwards = dataSource.getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(afterwards)), "the pin ended with its context");
    }
  }

  @Test
  void pinOfOneConnectionMakesLaterConnectionsOfTheContextReadFromThePrimary() throws Exception {
    try (PinningContext context = PinningContext.open()) {
      try (Connection first = dataSource.getConnection()) {
        session(first).pin();
      }
      try (Connection second = dataSource.getConnection()) {
        assertEquals("primary", servedBy(second));
      }
    }
  }

  @Test
  void anOpenConnectionOfTheContextFollowsAPinTakenByAnother() throws Exception {
    try (PinningContext context = PinningContext.open();
        Connection reader = dataSource.getConnection();
        Connection writer = dataSource.getConnection()) {
      assertTrue(REPLICAS.contains(servedBy(reader)));
      insertItem(writer, 1);
      assertEquals("primary", servedBy(reader));
    }
  }

  @Test
  void withoutAContextEachConnectionIsItsOwnContext() throws Exception {
    try (Connection writer = dataSource.getConnection();
        Connection reader = dataSource.getConnection()) {
      insertItem(writer, 1);
      assertEquals("primary", servedBy(writer));
      assertFalse(session(reader).isPinned());
      assertTrue(REPLICAS.contains(servedBy(reader)));
    }
  }

  @Test
  void aNewContextStartsUnpinned() throws Exception {
    try (PinningContext first = PinningContext.open()) {
      first.pin();
    }
    try (PinningContext second = PinningContext.open();
        Connection connection = dataSource.getConnection()) {
      assertFalse(second.isPinned());
      assertTrue(REPLICAS.contains(servedBy(connection)));
    }
  }

  @Test
  void connectionsKeepTheirContextAfterItClosesAndOnOtherThreads() throws Exception {
    Connection first;
    Connection second;
    try (PinningContext context = PinningContext.open()) {
      first = dataSource.getConnection();
      second = dataSource.getConnection();
    }
    try (first;
        second;
        Connection outsider = dataSource.getConnection()) {
      otherThread
          .submit(
              () -> {
                session(first).pin();
                return null;
              })
          .get(10, TimeUnit.SECONDS);

      assertEquals("primary", servedBy(second), "pinned through the shared context");
      assertTrue(REPLICAS.contains(servedBy(outsider)), "opened outside the context");
    }
  }

  @Test
  void innerContextStartsPinnedWhenTheOuterIs() throws Exception {
    try (PinningContext outer = PinningContext.open()) {
      outer.pin();
      try (PinningContext inner = PinningContext.open();
          Connection connection = dataSource.getConnection()) {
        assertNotSame(outer, inner);
        assertTrue(inner.isPinned());
        assertEquals("primary", servedBy(connection));
      }
    }
  }

  @Test
  void innerContextOfAnUnpinnedOuterStartsUnpinned() throws Exception {
    try (PinningContext outer = PinningContext.open();
        PinningContext inner = PinningContext.open();
        Connection connection = dataSource.getConnection()) {
      assertFalse(inner.isPinned());
      assertTrue(REPLICAS.contains(servedBy(connection)));
    }
  }

  @Test
  void theFirstPinReasonIsKeptAndVisibleFromInnerContexts() {
    try (PinningContext outer = PinningContext.open()) {
      assertNull(outer.pinReason());
      outer.pin("master parameter m");
      outer.pin();
      assertEquals("master parameter m", outer.pinReason());
      try (PinningContext inner = PinningContext.open()) {
        assertEquals("master parameter m", inner.pinReason());
      }
    }
  }

  @Test
  void aPinTakenInTheOuterContextWhileTheInnerIsOpenHoldsInside() throws Exception {
    try (PinningContext outer = PinningContext.open();
        PinningContext inner = PinningContext.open()) {
      assertFalse(inner.isPinned());
      outer.pin();
      assertTrue(inner.isPinned());
      try (Connection connection = dataSource.getConnection()) {
        assertEquals("primary", servedBy(connection));
      }
    }
  }

  @Test
  void aPinInsideAnInnerContextPinsTheOuterOne() throws Exception {
    try (PinningContext outer = PinningContext.open()) {
      try (Connection before = dataSource.getConnection()) {
        assertTrue(REPLICAS.contains(servedBy(before)));
      }
      try (PinningContext inner = PinningContext.open();
          Connection connection = dataSource.getConnection()) {
        insertItem(connection, 1);
        assertTrue(inner.isPinned());
      }
      assertSame(outer, PinningContext.current(), "closing the inner context restores the outer");
      assertTrue(outer.isPinned());
      try (Connection after = dataSource.getConnection()) {
        assertEquals("primary", servedBy(after), "the outer unit of work reads the inner write");
        assertEquals(1L, ((Number) Queries.one(after, "select count(*) from item")).longValue());
      }
    }
  }

  @Test
  void runBindsAContextOnlyWhileTheWorkRuns() {
    PinningContext[] seen = new PinningContext[2];
    PinningContext.run(() -> seen[0] = PinningContext.current());
    PinningContext.run(() -> seen[1] = PinningContext.current());
    assertNotNull(seen[0]);
    assertNotNull(seen[1]);
    assertNotSame(seen[0], seen[1], "every run gets a fresh context");
    assertNull(PinningContext.current());
  }

  @Test
  void runClearsTheContextWhenTheWorkThrows() {
    IllegalStateException thrown = new IllegalStateException("boom");
    IllegalStateException caught =
        assertThrows(
            IllegalStateException.class,
            () ->
                PinningContext.run(
                    () -> {
                      PinningContext.current().pin();
                      throw thrown;
                    }));
    assertSame(thrown, caught);
    assertNull(PinningContext.current());
  }

  @Test
  void callReturnsTheResultAndClearsTheContextAlsoWhenItThrows() throws Exception {
    assertEquals(
        "primary",
        PinningContext.call(
            () -> {
              try (Connection connection = dataSource.getConnection()) {
                session(connection).pin();
              }
              try (Connection connection = dataSource.getConnection()) {
                return servedBy(connection);
              }
            }));
    assertNull(PinningContext.current());

    Exception thrown = new Exception("checked");
    assertSame(
        thrown,
        assertThrows(
            Exception.class,
            () ->
                PinningContext.call(
                    () -> {
                      throw thrown;
                    })));
    assertNull(PinningContext.current());
  }

  @Test
  void closingOnAnotherThreadIsRefused() throws Exception {
    PinningContext context = PinningContext.open();
    try {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> otherThread.submit(() -> context.close()).get(10, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(
          e.getCause().getMessage().contains(Thread.currentThread().getName()),
          e.getCause().getMessage());
      assertSame(context, PinningContext.current(), "still bound to its thread");
    } finally {
      context.close();
    }
    assertNull(PinningContext.current());
  }

  @Test
  void closingAnOuterContextBeforeItsInnerOneIsRefused() {
    PinningContext outer = PinningContext.open();
    PinningContext inner = PinningContext.open();
    try {
      assertThrows(IllegalStateException.class, outer::close);
      assertSame(inner, PinningContext.current());
    } finally {
      inner.close();
      outer.close();
    }
    assertNull(PinningContext.current());
  }

  @Test
  void closingTwiceIsHarmless() {
    PinningContext outer = PinningContext.open();
    PinningContext inner = PinningContext.open();
    inner.close();
    inner.close();
    assertSame(outer, PinningContext.current());
    outer.close();
    outer.close();
    assertNull(PinningContext.current());
  }

  @Test
  void aContextOpenedOnAnotherThreadIsNotSeenHere() throws Exception {
    try (PinningContext mine = PinningContext.open()) {
      mine.pin();
      assertNull(otherThread.submit(PinningContext::current).get(10, TimeUnit.SECONDS));
      String servedThere =
          otherThread
              .submit(
                  () -> {
                    try (Connection connection = dataSource.getConnection()) {
                      return servedBy(connection);
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      assertTrue(REPLICAS.contains(servedThere), "the pin of this thread's context stays here");
    }
  }
}
