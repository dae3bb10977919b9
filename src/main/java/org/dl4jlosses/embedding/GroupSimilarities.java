package org.dl4jlosses.embedding;

import java.util.Arrays;
import org.dl4jlosses.internal.Blas;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LaneMath;

/**
 * The similarity matrix of a GROUPS batch and its backward pass, shared by
 * {@link InfoNceLoss} (GROUPS), {@link SupervisedContrastiveLoss}, {@link MultiSimilarityLoss} and
 * {@link CircleLoss}: the kept rows, L2-normalised when asked ({@code a / max(|a|, 1e-12)}, as
 * {@code F.normalize}), and their n x n Gram matrix {@code S = U U^T} from one BLAS product. A
 * formula works on S's rows in place ({@link #matrix}), leaving its derivative {@code dL/dS}
 * there, and {@link #backward} takes it to the rows: {@code dU = (dS + dS^T) U} (one product),
 * then back through the normalisation.
 */
final class GroupSimilarities {
    private final int count;
    private final int columns;
    private final LaneMath<?> lanes;
    private final Object units;
    private final Object matrix;
    private final double[] norms;
    private final boolean single;

    <V> GroupSimilarities(LaneMath<V> n, KeptRows rows, boolean normalize) {
        lanes = n;
        count = rows.count();
        columns = rows.columns();
        single = rows.rows() instanceof float[];
        norms = normalize ? new double[count] : null;
        Object u = rows.rows();
        if (normalize) {
            u = KeptRows.scratch(n, CandidateSoftmax.QUERIES, count * columns);
            n.unitRows(rows.rows(), 0, u, 0, count, columns, norms);
        }
        units = u;
        matrix = KeptRows.scratch(n, CandidateSoftmax.LOGITS, count * count);
        Blas.multiply(u, count, columns, false, u, count, columns, true, matrix);
    }

    /** S itself, row-major n x n, of the lanes' precision: for formulas that work on its rows with whole-row primitives. */
    Object matrix() {
        return matrix;
    }

    /** {@code x} rounded to the lanes' precision: where a reference compares values it computed in it. */
    double round(double x) {
        return single ? (float) x : x;
    }

    /** With every row of S replaced by dL/dS: the gradient with respect to the kept rows, into {@code gradient}. */
    void backward(Object gradient) {
        LaneMath.addTranspose(matrix, count);
        Object dU = KeptRows.scratch(lanes, CandidateSoftmax.QUERY_GRADIENT, count * columns);
        Blas.multiply(matrix, count, count, false, units, count, columns, false, dU);
        System.arraycopy(dU, 0, gradient, 0, count * columns);
        if (norms != null) {
            lanes.unitRowsBackward(units, gradient, 0, count, columns, norms);
        }
    }

    /**
     * The similarities of a batch where every row with a positive is an anchor, or null when there
     * is nothing to learn (one id, or no two rows of an id): losses and gradient are then zeroed.
     */
    static GroupSimilarities ofAnchors(LaneMath<?> n, KeptRows rows, boolean normalize, double[] losses, Object gradient) {
        if (!positivesAndNegatives(rows.groupMembers())) {
            zero(n, rows, losses, gradient);
            return null;
        }
        return new GroupSimilarities(n, rows, normalize);
    }

    /** Nothing to learn: zero losses and a zero gradient. */
    static void zero(LaneMath<?> n, KeptRows rows, double[] losses, Object gradient) {
        if (losses != null) {
            Arrays.fill(losses, 0, rows.count(), 0);
        }
        if (gradient != null) {
            n.linear(gradient, 0, rows.count() * rows.columns(), 0, 0);
        }
    }

    /** Whether a batch has a positive pair (two rows of one id) and a negative pair (two ids). */
    static boolean positivesAndNegatives(int[][] members) {
        if (members.length < 2) {
            return false;
        }
        for (int[] own : members) {
            if (own.length > 1) {
                return true;
            }
        }
        return false;
    }

    /** The number of rows with a positive (another row of their id). */
    static int withPositives(int[][] members) {
        int rows = 0;
        for (int[] own : members) {
            if (own.length > 1) {
                rows += own.length;
            }
        }
        return rows;
    }

    /** {@code log(1 + exp(x))}, exact for any x. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** {@code 1 / (1 + exp(-x))}, exact for any x. */
    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
