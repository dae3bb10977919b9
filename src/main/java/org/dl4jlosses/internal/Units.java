package org.dl4jlosses.internal;

/**
 * How the rows of a {@link CoupledLoss}'s batch form its units: single rows, groups, or tuples
 * stacked in blocks.
 *
 * <ul>
 *   <li>{@link #rows()}: every row is a unit on its own, or rows are grouped by the loss itself
 *       (Dice's images); a masked row is simply left out.</li>
 *   <li>{@link #groups()}: the GROUPS layout; labels are group ids and the loss mines pairs or
 *       triplets among all unmasked rows.</li>
 *   <li>{@link #blocks}: the BLOCKS layout; {@code G} blocks of {@code N} rows stacked along the
 *       batch (the order of DL4J's {@code StackVertex}), tuple {@code i} being rows
 *       {@code i, N + i, ..., (G-1) N + i}; block 0's labels are the tuple labels.</li>
 * </ul>
 */
public final class Units {
    enum Kind {
        ROWS, GROUPS, BLOCKS
    }

    private static final Units ROWS = new Units(Kind.ROWS, 1, null);
    private static final Units GROUPS = new Units(Kind.GROUPS, 1, null);

    private final Kind kind;
    private final int blocks;
    private final String blockNames;

    private Units(Kind kind, int blocks, String blockNames) {
        this.kind = kind;
        this.blocks = blocks;
        this.blockNames = blockNames;
    }

    public static Units rows() {
        return ROWS;
    }

    public static Units groups() {
        return GROUPS;
    }

    /**
     * G stacked blocks; {@code blockNames} reads like "anchor; positive; negative" and appears in
     * the message when the row count does not divide.
     */
    public static Units blocks(int g, String blockNames) {
        if (g < 1) {
            throw new IllegalArgumentException("blocks must be >= 1, got " + g);
        }
        return new Units(Kind.BLOCKS, g, blockNames);
    }

    Kind kind() {
        return kind;
    }

    int blocks() {
        return blocks;
    }

    String blockNames() {
        return blockNames;
    }
}
