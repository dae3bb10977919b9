package org.dl4jlosses.internal;

/** How a loss reads its labels; decides the label shape, the checks, the conversions and which masks it accepts. */
public enum LabelKind {
    /** Real values {@code [R, K]}. Element masks allowed. */
    REAL(Form.LIKE_PRE_OUTPUT, true),
    /** Values in [0, 1] {@code [R, K]}, one independent probability per column. Element masks allowed. */
    PROBABILITY(Form.LIKE_PRE_OUTPUT, true),
    /** Counts: finite values &gt;= 0 {@code [R, K]} (not necessarily whole). Element masks allowed. */
    COUNT(Form.LIKE_PRE_OUTPUT, true),
    /** -1, 0 or +1 {@code [R, K]}; 0 stands for -1. Element masks allowed. */
    SIGNED_BINARY(Form.LIKE_PRE_OUTPUT, true),
    /** One-hot or probability rows {@code [R, C]}, or class indices {@code [R, 1]}. Row masks only. */
    CLASSES(Form.CLASS_ROWS, false),
    /** Exactly one class per row: one-hot rows {@code [R, C]} or class indices {@code [R, 1]}. Row masks only. */
    ONE_CLASS(Form.CLASS_ROWS, false),
    /**
     * Values in [0, 1] {@code [R, K]}, one per column, for a loss that reduces over rows (Dice): row
     * masks only.
     */
    CHANNELS(Form.LIKE_PRE_OUTPUT, false),
    /**
     * Relevance grades: finite values &gt;= 0 {@code [R, K]}, one list of K items per row, read by a
     * row formula. An element mask marks padding: the items it masks are removed from their list.
     */
    GRADES(Form.LIKE_PRE_OUTPUT, false),
    /** Group ids: integers {@code [R, 1]} or one-hot rows {@code [R, C]} of any width; read by {@link CoupledLoss}. */
    GROUPS(Form.GROUP_IDS, false),
    /**
     * Real targets {@code [R, C / n]} for a row formula whose layer predicts n values per target
     * ({@link BaseLoss#columnsPerLabel}); finite. Row masks only.
     */
    TARGETS(Form.ANY, false),
    /** One value per row {@code [R, 1]}, read where the loss's layout needs it and checked by the loss. */
    ROW_VALUES(Form.ONE_COLUMN, false),
    /** Not read: any rank-2 array with R rows (DL4J always hands the loss a labels array). */
    UNUSED(Form.ANY, false);

    /** The label shapes a kind accepts. */
    enum Form {
        LIKE_PRE_OUTPUT, CLASS_ROWS, GROUP_IDS, ONE_COLUMN, ANY
    }

    private final Form form;
    private final boolean elementWise;

    LabelKind(Form form, boolean elementWise) {
        this.form = form;
        this.elementWise = elementWise;
    }

    Form form() {
        return form;
    }

    /** Whether the loss is a mean of independent per-element terms, so that element masks make sense. */
    public boolean elementWise() {
        return elementWise;
    }

    /** Whether the labels name classes of a softmax-style row (one-hot, soft or index rows). */
    public boolean classes() {
        return form == Form.CLASS_ROWS;
    }
}
