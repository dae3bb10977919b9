package org.dl4jlosses.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tour's registry and summary table (no training). */
class TourTest {
    @Test
    void everyNameAndAliasFindsExactlyOneExample() {
        Set<String> seen = new HashSet<>();
        for (Example e : Examples.all()) {
            assertTrue(e.name().matches("[a-z0-9-]+"), e.name());
            assertTrue(seen.add(e.name()), "duplicate name " + e.name());
            for (String alias : e.aliases()) {
                assertTrue(seen.add(alias), "alias " + alias + " of " + e.name() + " is taken");
            }
            assertEquals(e.getClass(), Examples.find(e.name()).orElseThrow().getClass());
            assertEquals(e.getClass(), Examples.find(e.name().toUpperCase()).orElseThrow().getClass());
            assertTrue(!e.description().isBlank() && !e.description().contains("\n"), e.name());
        }
        assertEquals(ImbalancedExample.class, Examples.find("focal").orElseThrow().getClass());
        assertTrue(Examples.find("no-such-example").isEmpty());
    }

    @Test
    void summaryIsAnAlignedMarkdownTable() {
        String table = Tour.table(List.of(
                new Result("imbalanced", "FocalLoss(gamma=2)", "minority recall", 0.30149, 6.74),
                new Result("loss-curves", "MseLoss", "max deviation from formula", 4.4e-16, 0.01)));
        String[] lines = table.split("\n");
        assertEquals(4, lines.length);
        assertEquals("| example     | loss               | metric                     |   value | seconds |", lines[0]);
        assertEquals("| ----------- | ------------------ | -------------------------- | ------: | ------: |", lines[1]);
        assertEquals("| imbalanced  | FocalLoss(gamma=2) | minority recall            |   0.301 |     6.7 |", lines[2]);
        assertEquals("| loss-curves | MseLoss            | max deviation from formula | 4.4e-16 |     0.0 |", lines[3]);
    }

    @Test
    void budgetScalesEpochsAndRejectsNonsense() {
        assertEquals(400, Budget.FULL.epochs(400));
        assertEquals(40, Budget.QUICK.epochs(400));
        assertEquals(1, Budget.QUICK.epochs(3));
        assertEquals(50, Budget.QUICK.count(100, 50));
        assertThrows(IllegalArgumentException.class, () -> new Budget(0));
        assertThrows(IllegalArgumentException.class, () -> new Budget(1.5));
    }
}
