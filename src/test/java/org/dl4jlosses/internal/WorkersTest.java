package org.dl4jlosses.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The helper threads that split a call's rows: every row once, from many callers at once, failures, parking. */
class WorkersTest {

    /** Runs rows [0, rows) in chunks, counting each row's visits; returns the sum of the row indices. */
    private static long sumOfRows(int rows, int chunks, AtomicIntegerArray visits) {
        return (long) Workers.run((from, to) -> {
            double sum = 0;
            for (int r = from; r < to; r++) {
                visits.incrementAndGet(r);
                sum += r;
            }
            return sum;
        }, rows, chunks);
    }

    @Test
    void everyRowRunsExactlyOnce() {
        for (int rows : new int[] {1, 2, 3, 7, 1000}) {
            for (int chunks : new int[] {1, 2, 3, 4, 8}) {
                AtomicIntegerArray visits = new AtomicIntegerArray(rows);
                assertEquals((long) rows * (rows - 1) / 2, sumOfRows(rows, chunks, visits), rows + " rows in " + chunks);
                for (int r = 0; r < rows; r++) {
                    assertEquals(1, visits.get(r), "row " + r + " of " + rows + " in " + chunks + " chunks");
                }
            }
        }
    }

    @Test
    void manyCallersAtOnceEachGetTheirOwnResult() throws Exception {
        // More callers than helpers: some find every helper busy and run their ranges themselves.
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int rows = 500 + 37 * t;
                results.add(callers.submit(() -> {
                    for (int call = 0; call < 300; call++) {
                        AtomicIntegerArray visits = new AtomicIntegerArray(rows);
                        if (sumOfRows(rows, 2 + call % 3, visits) != (long) rows * (rows - 1) / 2) {
                            return false;
                        }
                        for (int r = 0; r < rows; r++) {
                            if (visits.get(r) != 1) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aFailingRangeIsRethrownAndTheHelpersStayUsable() {
        // The last range runs in a helper (when there is one), the first in the caller.
        for (boolean lastFails : new boolean[] {true, false, true, false}) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Workers.run((from, to) -> {
                if (lastFails ? to == 100 : from == 0) {
                    throw new IllegalStateException("range fails");
                }
                return 1;
            }, 100, 2));
            assertEquals("range fails", thrown.getMessage());
            assertEquals(4950, sumOfRows(100, 2, new AtomicIntegerArray(100)));
        }
    }

    @Test
    void idleHelpersPark() throws InterruptedException {
        sumOfRows(1000, 2, new AtomicIntegerArray(1000));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean allParked = false;
        while (!allParked && System.nanoTime() < deadline) {
            Thread.sleep(5);
            allParked = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("dl4j-losses-worker-"))
                    .allMatch(t -> t.getState() == Thread.State.WAITING);
        }
        assertTrue(allParked, "helpers must not spin while no work comes");
        assertEquals(Runtime.getRuntime().availableProcessors(), Workers.threads());
    }
}
