package org.dl4jlosses.internal;

import java.util.Arrays;

/**
 * A loss's {@link ElementFormula} or {@link RowFormula}: the formula's class and its one
 * constructor's arguments (the loss's options it needs), from which {@link Specialized} makes a copy
 * per precision and loss class.
 */
public final class FormulaSetup {
    final Class<?> type;
    final Object[] arguments;

    /**
     * @param type the formula's class
     * @param arguments its constructor's arguments; a {@link RowFormula}'s constructor takes one
     *        more, last: the {@link LaneMath} it will run on (for rows of its options in that precision)
     */
    public FormulaSetup(Class<?> type, Object... arguments) {
        this.type = type;
        this.arguments = arguments;
    }

    /** Equal setups (same class, equal arguments, arrays by content) make the same formula: the key of a loss's formula cache. */
    @Override
    public boolean equals(Object o) {
        return o instanceof FormulaSetup && type == ((FormulaSetup) o).type
                && Arrays.deepEquals(arguments, ((FormulaSetup) o).arguments);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.deepHashCode(arguments);
    }
}
