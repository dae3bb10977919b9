package org.dl4jlosses.internal;

import static org.dl4jlosses.internal.Checks.fail;
import static org.dl4jlosses.internal.Checks.require;
import static org.dl4jlosses.internal.Checks.shape;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The checks of one call's arguments that every path shares: presence, ranks, shapes and data
 * types of preOutput, labels and mask, and how the mask and labels are laid out.
 */
public final class Inputs {
    /** Probabilities are clipped to [P_MIN, 1 - P_MIN] where a formula takes them from a non-fused activation. */
    public static final double P_MIN = 1e-7;

    private Inputs() {
    }

    /** How the mask applies: none, one value per row, one per element. */
    enum MaskShape { NONE, ROW, ELEMENT }

    /** The shape facts of one call, once its arguments are checked. */
    static final class Shapes {
        final MaskShape mask;
        final boolean indexLabels;

        private Shapes(MaskShape mask, boolean indexLabels) {
            this.mask = mask;
            this.indexLabels = indexLabels;
        }
    }

    /**
     * Checks the arguments' presence, ranks, shapes and data types (no values are read, no
     * native op runs) and tells how the mask and labels are laid out.
     */
    static Shapes checkShapes(String loss, LabelKind kind, INDArray labels, INDArray z, IActivation activation,
                              INDArray mask) {
        return checkShapes(loss, kind, labels, z, activation, mask, false);
    }

    /**
     * As above; {@code softmaxElementMask} accepts an element mask with a softmax activation
     * (the gradient then goes through the softmax's Jacobian, as DL4J's own losses do).
     */
    static Shapes checkShapes(String loss, LabelKind kind, INDArray labels, INDArray z, IActivation activation,
                              INDArray mask, boolean softmaxElementMask) {
        require(z != null, loss, "preOutput", "a [rows, columns] array", "null");
        require(labels != null, loss, "labels", "an array", "null");
        require(activation != null, loss, "activationFn", "an activation", "null");
        // Messages are built only on failure: this runs on every call, and building them cost a tenth of a small batch.
        if (z.rank() != 2) {
            throw fail(loss, "preOutput", "rank 2 [rows, columns]", "rank " + z.rank() + " " + shape(z));
        }
        require(z.dataType().isFPType(), loss, "preOutput", "a floating-point array", z.dataType());
        long rows = z.size(0);
        long columns = z.size(1);
        if (rows <= 0 || columns <= 0) {
            throw fail(loss, "preOutput", "non-empty", shape(z));
        }
        if (labels.rank() != 2 || labels.size(0) != rows) {
            throw fail(loss, "labels", expectedLabels(kind, rows, columns), shape(labels));
        }
        if (kind.classes() && columns < 2) {
            throw fail(loss, "preOutput", "at least 2 columns (classes)", shape(z));
        }
        boolean indices = kind.classes() && labels.size(1) == 1;
        boolean widthOk;
        switch (kind.form()) {
            case LIKE_PRE_OUTPUT:
                widthOk = labels.size(1) == columns;
                break;
            case CLASS_ROWS:
                widthOk = indices || labels.size(1) == columns;
                break;
            case ONE_COLUMN:
                widthOk = labels.size(1) == 1;
                break;
            default:
                widthOk = labels.size(1) >= 1;
        }
        if (!widthOk) {
            throw fail(loss, "labels", expectedLabels(kind, rows, columns), shape(labels));
        }
        if (mask == null) {
            return new Shapes(MaskShape.NONE, indices);
        }
        boolean rowShape = mask.rank() == 2 && mask.size(0) == rows && mask.size(1) == 1;
        boolean elementShape = mask.rank() == 2 && mask.size(0) == rows && mask.size(1) == columns;
        if (rowShape) {
            return new Shapes(MaskShape.ROW, indices);
        } else if (elementShape && kind.elementWise() && activation instanceof ActivationSoftmax && !softmaxElementMask) {
            // Softmax couples the columns: a masked element would still move the others.
            throw fail(loss, "mask", "a row mask [" + rows + ", 1] with a softmax activation "
                    + "(an element mask needs an element-wise activation)", shape(mask));
        } else if (elementShape && (kind.elementWise() || kind == LabelKind.GRADES)) {
            return new Shapes(MaskShape.ELEMENT, indices);
        }
        throw fail(loss, "mask", kind.elementWise() || kind == LabelKind.GRADES
                ? "a row mask [" + rows + ", 1] or an element mask [" + rows + ", " + columns + "]"
                : "a row mask [" + rows + ", 1] (this loss takes no element mask)", shape(mask));
    }

    /**
     * Labels {@code [R, C / n]} of a loss whose label column k serves the n columns
     * {@code k n .. k n + n - 1} of {@code preOutput} {@code [R, C]}, repeated to {@code [R, C]} in
     * preOutput's data type.
     */
    static INDArray spreadLabels(String loss, INDArray labels, INDArray z, int n) {
        checkLabelWidth(loss, labels, z, n);
        return spread(labels, n, z.dataType());
    }

    /** Labels {@code [R, C / n]} for {@code preOutput} {@code [R, C]}, or the error that names what came. */
    static void checkLabelWidth(String loss, INDArray labels, INDArray z, int n) {
        require(z != null && labels != null, loss, z == null ? "preOutput" : "labels", "an array", "null");
        if (z.rank() != 2 || z.size(1) % n != 0) {
            throw fail(loss, "preOutput", "[rows, " + n + " x targets] (" + n + " columns per label column)", shape(z));
        }
        if (labels.rank() != 2 || labels.size(0) != z.size(0) || labels.size(1) * n != z.size(1)) {
            throw fail(loss, "labels", "[" + z.size(0) + ", " + z.size(1) / n + "] (one column per " + n
                    + " columns of preOutput " + shape(z) + ")", shape(labels));
        }
    }

    /** An element mask of the labels' width before {@link #spreadLabels}, repeated like them; other masks unchanged. */
    static INDArray spreadMask(INDArray mask, INDArray spreadLabels, int n) {
        boolean labelWidth = mask != null && mask.rank() == 2 && mask.size(1) * n == spreadLabels.size(1)
                && mask.size(1) > 1;
        return labelWidth ? spread(mask, n, spreadLabels.dataType()) : mask;
    }

    /**
     * Each column of {@code a} n times side by side, in {@code type}: a pass in Java over host
     * buffers (ND4J's {@code repeat} took 1-4 ms for a 256 x 500 array, ten times the loss).
     */
    private static INDArray spread(INDArray a, int n, DataType type) {
        int rows = (int) a.size(0);
        int width = (int) a.size(1);
        INDArray out = Nd4j.createUninitialized(type, rows, (long) width * n);
        try (HostArrays host = new HostArrays()) {
            ByteBuffer from = host.bytes(a, type);
            ByteBuffer to = host.bytes(out, type);
            if (type == DataType.DOUBLE) {
                DoubleBuffer in = from.asDoubleBuffer();
                DoubleBuffer put = to.asDoubleBuffer();
                double[] row = new double[width];
                double[] wide = new double[width * n];
                for (int r = 0; r < rows; r++) {
                    in.get(row);
                    for (int k = 0, j = 0; k < width; k++) {
                        for (int q = 0; q < n; q++, j++) {
                            wide[j] = row[k];
                        }
                    }
                    put.put(wide);
                }
            } else {
                FloatBuffer in = from.asFloatBuffer();
                FloatBuffer put = to.asFloatBuffer();
                float[] row = new float[width];
                float[] wide = new float[width * n];
                for (int r = 0; r < rows; r++) {
                    in.get(row);
                    for (int k = 0, j = 0; k < width; k++) {
                        for (int q = 0; q < n; q++, j++) {
                            wide[j] = row[k];
                        }
                    }
                    put.put(wide);
                }
            }
        }
        return out;
    }

    private static String expectedLabels(LabelKind kind, long rows, long columns) {
        switch (kind.form()) {
            case CLASS_ROWS:
                return "[" + rows + ", " + columns + "] like preOutput, or class indices [" + rows + ", 1]";
            case GROUP_IDS:
                return "group ids [" + rows + ", 1] or one-hot rows [" + rows + ", C]";
            case ONE_COLUMN:
                return "[" + rows + ", 1] (one value per row of preOutput)";
            case ANY:
                return "[" + rows + ", n] (one row per row of preOutput)";
            default:
                return "[" + rows + ", " + columns + "] like preOutput";
        }
    }

    /** Whether v is a class index among {@code classes} classes. */
    public static boolean isClassIndex(double v, int classes) {
        return v >= 0 && v < classes && v == Math.rint(v);
    }
}
