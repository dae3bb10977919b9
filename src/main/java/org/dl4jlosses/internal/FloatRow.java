package org.dl4jlosses.internal;

/**
 * The row a {@link FloatKernel} works on: per-thread arrays, refilled for every row. Read-only
 * for the kernel except {@link #gradient} (its output) and {@link #scratch}.
 */
public final class FloatRow {
    /** Number of columns K. */
    public int columns;
    /** The row of preOutput, in {@code z[0..K)}. */
    public float[] z;
    /** The dense label row in {@code labels[0..L)}, or null when the labels are class indices. */
    public float[] labels;
    /**
     * The class index when the labels are class indices, or when the dense row is one-hot for
     * {@link LabelKind#ONE_CLASS} labels ({@link #labels} then also
     * holds the row); else -1.
     */
    public int target;
    /** The element mask row in {@code elementMask[0..K)}, or null for none. */
    public float[] elementMask;
    /** Where dL/dz goes ({@code gradient[0..K)}), or null when only the loss is wanted. */
    public float[] gradient;
    /** Whether the caller wants the loss (when false, only the gradient is used). */
    public boolean wantLoss;
    /** K floats for the kernel's own use. */
    public float[] scratch;
    /** Two doubles for the kernel's own use (sums a pass hands back). */
    public final double[] sums = new double[2];

    float[] zBuffer = new float[0];
    float[] labelBuffer = new float[0];
    float[] maskBuffer = new float[0];
    float[] gradientBuffer = new float[0];

    void size(int columns, int labelColumns) {
        this.columns = columns;
        if (zBuffer.length < columns) {
            zBuffer = new float[columns];
            maskBuffer = new float[columns];
            gradientBuffer = new float[columns];
            scratch = new float[columns];
        }
        if (labelBuffer.length < labelColumns) {
            labelBuffer = new float[labelColumns];
        }
        z = zBuffer;
    }
}
