package org.dl4jlosses.examples;

/**
 * How much an example may train: {@code scale} multiplies its epochs (and, where an example says
 * so, its data). {@link #FULL} is the tour's budget, a few tens of seconds per example on two
 * cores; {@link #QUICK} is a smoke run of a few seconds, enough to beat chance but not to show
 * the point of a loss.
 */
public record Budget(double scale) {
    public static final Budget FULL = new Budget(1.0);
    public static final Budget QUICK = new Budget(0.1);

    public Budget {
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("Budget: scale must be in (0, 1], got " + scale);
        }
    }

    /** The epochs to train for an example that trains {@code full} epochs at full budget (at least 1). */
    public int epochs(int full) {
        return Math.max(1, (int) Math.round(full * scale));
    }

    /** A count (points, images, ...) scaled by the budget but never below {@code min}. */
    public int count(int full, int min) {
        return Math.max(min, (int) Math.round(full * scale));
    }

    /** True below the full budget: examples may then skip work that only makes figures prettier. */
    public boolean isReduced() {
        return scale < 1;
    }
}
