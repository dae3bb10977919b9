package org.dl4jlosses.internal;

import static org.dl4jlosses.internal.Checks.fail;
import static org.dl4jlosses.internal.Checks.require;
import static org.dl4jlosses.internal.Checks.shape;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One call of a coupled loss's ND4J formula, its inputs validated: {@code z = preOutput [R, K]},
 * the labels (class indices expanded to one-hot rows; values checked and in z's data type where
 * their kind is checked by value, else as given), the activation and the row mask
 * {@code [R, 1]}; plus the shape and label checks every path shares. The arrays handed out are
 * read-only for the loss: it builds new arrays from them.
 */
public final class Batch {
    /** Probabilities are clipped to [P_MIN, 1 - P_MIN] where a formula takes them from a non-fused activation. */
    public static final double P_MIN = 1e-7;

    private final String loss;
    private final INDArray z;
    private final INDArray labels;
    private final IActivation activation;
    private final INDArray rowMask;
    private INDArray output;

    private Batch(String loss, INDArray z, INDArray labels, IActivation activation, INDArray rowMask) {
        this.loss = loss;
        this.z = z;
        this.labels = labels;
        this.activation = activation;
        this.rowMask = rowMask;
    }

    static Batch prepare(String loss, LabelKind kind, INDArray labels, INDArray z, IActivation activation,
                         INDArray mask) {
        Shapes shapes = checkShapes(loss, kind, labels, z, activation, mask);
        INDArray rowMask = shapes.mask == MaskShape.ROW ? mask.castTo(z.dataType()) : null;
        INDArray prepared;
        if (shapes.indexLabels) {
            prepared = oneHot(loss, labels, (int) z.size(1), z.dataType(), rowMask);
        } else if (kind.checkedByValue()) {
            prepared = LabelValues.check(loss, kind, labels.castTo(z.dataType()), rowMask);
        } else {
            prepared = labels; // group ids and row values are read (and checked) by the loss's layout, as given
        }
        return new Batch(loss, z, prepared, activation, rowMask);
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
        } else if (elementShape && kind.elementWise()) {
            return new Shapes(MaskShape.ELEMENT, indices);
        }
        throw fail(loss, "mask", kind.elementWise()
                ? "a row mask [" + rows + ", 1] or an element mask [" + rows + ", " + columns + "]"
                : "a row mask [" + rows + ", 1] (this loss takes no element mask)", shape(mask));
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
    static boolean isClassIndex(double v, int classes) {
        return v >= 0 && v < classes && v == Math.rint(v);
    }

    /** Class indices [R, 1] to one-hot rows; masked rows may hold anything and become class 0. */
    private static INDArray oneHot(String loss, INDArray indices, int classes, DataType type, INDArray rowMask) {
        double[] values = indices.toDoubleVector();
        double[] mask = rowMask == null ? null : rowMask.toDoubleVector();
        int[] index = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (mask != null && mask[i] == 0 && Double.isFinite(v)) {
                continue;
            }
            if (!isClassIndex(v, classes)) {
                throw LabelValues.badClassIndex(loss, v, classes, values.length, i);
            }
            index[i] = (int) v;
        }
        INDArray out = Nd4j.createUninitialized(type, values.length, classes);
        Nd4j.exec(new OneHot(Nd4j.createFromArray(index), out, classes));
        return out;
    }

    public String loss() {
        return loss;
    }

    public INDArray z() {
        return z;
    }

    /**
     * Labels [R, K] in z's data type, class indices already one-hot; for {@link LabelKind#GROUPS},
     * {@link LabelKind#ROW_VALUES} and {@link LabelKind#UNUSED}, the labels as given.
     */
    public INDArray labels() {
        return labels;
    }

        public INDArray rowMask() {
        return rowMask;
    }

        public long rows() {
        return z.size(0);
    }

    public int columns() {
        return (int) z.size(1);
    }

    public DataType dataType() {
        return z.dataType();
    }

            /** a = activation(z); z itself for the identity (read-only). Computed once per call. */
    public INDArray output() {
        if (output == null) {
            output = activation instanceof ActivationIdentity ? z : activation.getActivation(z.dup(), true);
        }
        return output;
    }

    /** dL/dz from dL/da through the activation. */
    public INDArray backprop(INDArray dLda) {
        if (activation instanceof ActivationIdentity) {
            return dLda;
        }
        return activation.backprop(z.dup(), dLda).getFirst();
    }

}
