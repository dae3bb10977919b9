package org.dl4jlosses.evaluation;

import static org.dl4jlosses.internal.Checks.fail;
import static org.dl4jlosses.internal.Checks.require;

import org.dl4jlosses.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Reads class labels from an INDArray of integer ids ({@code [N]} or {@code [N, 1]}) or one-hot rows ({@code [N, C]}). */
final class LabelArrays {
    private LabelArrays() {
    }

    /**
     * The N labels of {@code labels}: integer ids in a vector or an {@code [N, 1]} column, or the
     * index of the single 1 of each one-hot row of an {@code [N, C]} matrix ({@code C > 1}).
     */
    static int[] of(INDArray labels, int rows, String method, String argument) {
        require(labels != null, method, argument, "an INDArray of labels", "null");
        boolean vector = labels.rank() == 1 || (labels.rank() == 2 && labels.size(1) == 1);
        require(vector || labels.rank() == 2, method, argument,
                "shape [N], [N, 1] (integer ids) or [N, C] (one-hot rows)", Checks.shape(labels));
        require(labels.size(0) == rows, method, argument, rows + " rows (one per embedding)",
                labels.size(0) + " rows, shape " + Checks.shape(labels));
        double[] values = labels.dup('c').data().asDouble();
        return vector ? ids(values, method, argument) : oneHot(values, rows, (int) labels.size(1), method, argument);
    }

    /** Checks plain int labels against the number of embeddings. */
    static int[] of(int[] labels, int rows, String method, String argument) {
        require(labels != null, method, argument, "an int[] of labels", "null");
        require(labels.length == rows, method, argument, rows + " labels (one per embedding)", labels.length + " labels");
        return labels.clone();
    }

    private static int[] ids(double[] values, String method, String argument) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!(v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE)) {
                throw fail(method, argument, "integer class ids", v + " at row " + i);
            }
            out[i] = (int) v;
        }
        return out;
    }

    private static int[] oneHot(double[] values, int rows, int classes, String method, String argument) {
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            int hot = -1;
            for (int c = 0; c < classes; c++) {
                double v = values[i * classes + c];
                boolean one = v == 1;
                if (!(one || v == 0) || (one && hot >= 0)) {
                    throw fail(method, argument, "one-hot rows (a single 1, zeros elsewhere)",
                            "row " + i + " = " + java.util.Arrays.toString(java.util.Arrays.copyOfRange(values, i * classes, (i + 1) * classes)));
                }
                hot = one ? c : hot;
            }
            require(hot >= 0, method, argument, "one-hot rows (a single 1, zeros elsewhere)", "no 1 in row " + i);
            out[i] = hot;
        }
        return out;
    }
}
