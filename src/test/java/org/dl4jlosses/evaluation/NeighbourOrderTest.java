package org.dl4jlosses.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bounded heap and the first-match rank against a full stable sort, on scores with many ties. */
class NeighbourOrderTest {
    @Test
    void agreesWithAFullStableSort() {
        Random random = new Random(11);
        for (int trial = 0; trial < 300; trial++) {
            int m = 1 + random.nextInt(40);
            int[] labels = new int[m];
            double[] row = new double[m + 3];
            int offset = 3;
            for (int r = 0; r < m; r++) {
                labels[r] = random.nextInt(4);
                row[offset + r] = random.nextInt(5) / 4.0; // few distinct values: ties everywhere
            }
            int self = random.nextBoolean() ? random.nextInt(m) : -1;
            int label = random.nextInt(5); // 4: no reference has it
            Integer[] order = IntStream.range(0, m).filter(r -> r != self).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble((Integer r) -> -row[offset + r])); // stable: index order on ties
            NeighbourOrder neighbours = new NeighbourOrder(labels);
            int expectedRank = 0;
            for (int p = 0; p < order.length && expectedRank == 0; p++) {
                expectedRank = labels[order[p]] == label ? p + 1 : 0;
            }
            assertEquals(expectedRank, neighbours.rankOfFirstMatch(row, offset, self, label), "trial " + trial);
            int count = order.length == 0 ? 0 : 1 + random.nextInt(order.length);
            boolean[] expected = new boolean[count];
            for (int p = 0; p < count; p++) {
                expected[p] = labels[order[p]] == label;
            }
            assertArrayEquals(expected, neighbours.matchesAmongNearest(row, offset, self, label, count), "trial " + trial);
        }
    }
}
