package org.dl4jlosses.internal;

/** How a loss reads its labels; decides the checks, the conversions and which masks it accepts. */
public enum LabelKind {
    /** Real values {@code [R, K]}. Element masks allowed. */
    REAL(true),
    /** Values in [0, 1] {@code [R, K]}, one independent probability per column. Element masks allowed. */
    PROBABILITY(true),
    /** {-1, +1} or {0, 1} {@code [R, K]}; 0 stands for -1. Element masks allowed. */
    SIGNED_BINARY(true),
    /** One-hot or probability rows {@code [R, C]}, or class indices {@code [R, 1]}. Row masks only. */
    CLASSES(false),
    /** Exactly one class per row: one-hot rows {@code [R, C]} or class indices {@code [R, 1]}. Row masks only. */
    ONE_CLASS(false);

    private final boolean elementWise;

    LabelKind(boolean elementWise) {
        this.elementWise = elementWise;
    }

    /** Whether the loss is a mean of independent per-element terms, so that element masks make sense. */
    public boolean elementWise() {
        return elementWise;
    }

    /** Whether the labels name classes of a softmax-style row. */
    public boolean classes() {
        return !elementWise;
    }
}
