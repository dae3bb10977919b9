package org.dl4jlosses.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Specialized} makes its copies as hidden classes on this JDK (reached by reflection, since
 * the library is compiled for Java 11): one per key, reused for the same key.
 */
class SpecializedTest {
    /** A class to copy. */
    static final class Answer implements IntSupplier {
        private final int value;

        Answer(int value) {
            this.value = value;
        }

        @Override
        public int getAsInt() {
            return value;
        }
    }

    @Test
    void copiesAreHiddenClassesOnePerKey() {
        IntSupplier a = Specialized.instance(Answer.class, IntSupplier.class, "a", 41);
        IntSupplier again = Specialized.instance(Answer.class, IntSupplier.class, "a", 42);
        IntSupplier b = Specialized.instance(Answer.class, IntSupplier.class, "b", 43);
        assertTrue(a.getClass().isHidden(), a.getClass().getName());
        assertTrue(a.getClass() != Answer.class);
        assertSame(a.getClass(), again.getClass());
        assertNotSame(a.getClass(), b.getClass());
        assertEquals(41, a.getAsInt());
        assertEquals(43, b.getAsInt());
    }
}
