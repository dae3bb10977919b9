package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.Blas;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LaneMath;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Distances between the kept rows of a coupled loss, in the call's precision: between two rows,
 * or between all rows from one matrix product, and the backward pass of a loss linear in them.
 * The triplet and contrastive formulas share it.
 *
 * <p>Conventions: a row's norm is clamped at 1e-12 (as {@code F.normalize}); squared distances
 * from the Gram matrix are clamped at 0; a Euclidean distance of 0 has gradient 0. The distance is
 * EUCLIDEAN, SQUARED_EUCLIDEAN or COSINE ({@code 1 - u_i . u_j} on unit rows u); DOT is not one.
 * With {@code torchEps}, a EUCLIDEAN pair is PyTorch's {@code pairwise_distance}
 * {@code |x - y + 1e-6|} (pairs only).
 *
 * <p>Gradients are accumulated into one {@code n x D} array with respect to the rows the
 * distances are measured on (the unit rows for COSINE); {@link #finish} takes it back through the
 * normalisations to the activation's output. Its arrays live in {@link KeptRows#scratch} slots 0..4.
 */
final class Distances {
    /** PyTorch's {@code pairwise_distance} eps, added to the difference. */
    static final double TORCH_EPS = 1e-6;
    /** The [n, n] matrices' padding: a whole vector, so that a formula's last step in a row may run past its end. */
    private static final int PAD = 16;
    private static final int NORMALISED = 0;
    private static final int UNIT = 1;
    private static final int MATRIX = 2;
    private static final int COEFFICIENTS = 3;
    private static final int PRODUCT = 4;

    private final String loss;
    private final LaneMath<?> n;
    private final Distance distance;
    private final double shift;
    private final int count;
    private final int columns;
    /** The rows the distance is taken between: the activation's output, or its unit rows with normalize. */
    private final Object x;
    /** With normalize: the activation's output's norms. */
    private final double[] inputNorms;
    /** COSINE: the unit rows of x, and x's norms. */
    private final Object unit;
    private final double[] unitNorms;

    /**
     * @param loss the loss's name, for errors
     * @param n the call's lanes
     * @param distance EUCLIDEAN, SQUARED_EUCLIDEAN or COSINE
     * @param torchEps EUCLIDEAN pairs as PyTorch's {@code |x - y + 1e-6|} (the other distances ignore it)
     * @param rows the kept rows
     * @param normalize L2-normalise the rows first
     */
    Distances(String loss, LaneMath<?> n, Distance distance, boolean torchEps, KeptRows rows, boolean normalize) {
        if (distance == Distance.DOT) {
            throw new IllegalArgumentException("not a distance: " + distance);
        }
        this.loss = loss;
        this.n = n;
        this.distance = distance;
        this.shift = torchEps && distance == Distance.EUCLIDEAN ? TORCH_EPS : 0;
        this.count = rows.count();
        this.columns = rows.columns();
        if (normalize) {
            inputNorms = new double[count];
            x = unitRows(rows.rows(), KeptRows.scratch(n, NORMALISED, count * columns), inputNorms);
        } else {
            inputNorms = null;
            x = rows.rows();
        }
        if (distance == Distance.COSINE) {
            unitNorms = new double[count];
            unit = unitRows(x, KeptRows.scratch(n, UNIT, count * columns), unitNorms);
        } else {
            unitNorms = null;
            unit = null;
        }
    }

    /** {@code a / max(|a|, 1e-12)} row by row into {@code out}, the norms |a| into {@code norms}. */
    private Object unitRows(Object a, Object out, double[] norms) {
        n.unitRows(a, 0, out, 0, count, columns, norms);
        return out;
    }

    /** The distance between rows i and j, computed directly (O(D)). */
    double pair(int i, int j) {
        if (distance == Distance.COSINE) {
            return 1 - n.dot(unit, i * columns, unit, j * columns, columns);
        }
        double squared = n.squaredDistance(x, i * columns, x, j * columns, columns, shift);
        if (squared == Double.POSITIVE_INFINITY) {
            // float32 rows far apart (beyond 1.8e19) overflow the lanes' squares, not a double's.
            squared = 0;
            for (int c = 0; c < columns; c++) {
                double v = n.get(x, i * columns + c) - n.get(x, j * columns + c) + shift;
                squared += v * v;
            }
        }
        return distance == Distance.EUCLIDEAN ? Math.sqrt(squared) : squared;
    }

    /** Adds {@code g} times the gradient of the distance {@code d} between rows i and j to rows i and j of {@code acc}. */
    void addPairGradient(int i, int j, double g, double d, Object acc) {
        int oi = i * columns;
        int oj = j * columns;
        if (g == 0 || distance == Distance.EUCLIDEAN && d <= 0) {
            return;
        }
        if (distance == Distance.COSINE) {
            n.axpy(-g, unit, oj, acc, oi, columns);
            n.axpy(-g, unit, oi, acc, oj, columns);
            return;
        }
        // d|x_i - x_j + e| = (x_i - x_j + e) / d; d|x_i - x_j|^2 = 2 (x_i - x_j)
        double scale = distance == Distance.EUCLIDEAN ? g / d : 2 * g;
        n.axpyDifference(scale, x, oi, x, oj, shift, acc, oi, columns);
        n.axpyDifference(-scale, x, oi, x, oj, shift, acc, oj, columns);
    }

    /**
     * D [n, n] (row-major, in a scratch slot padded by one vector) between all rows, from one Gram matrix: COSINE
     * {@code 1 - u_i . u_j}, the others as {@link LaneMath#distancesFromGram} (exactly symmetric,
     * so the mining of (i, j) and (j, i) agrees). The diagonal is not forced to 0.
     */
    Object matrix() {
        if (shift != 0) {
            throw new IllegalStateException("PyTorch's eps is for pairs only");
        }
        Object d = KeptRows.scratch(n, MATRIX, count * count + PAD);
        Object rows = distance == Distance.COSINE ? unit : x;
        Blas.multiply(rows, count, columns, false, rows, count, columns, true, d);
        if (distance == Distance.COSINE) {
            n.linear(d, 0, count * count, -1, 1);
        } else if (squaresOverflow(d)) {
            // Rows of norm beyond 1.8e19 in float32: each distance directly, in double.
            double largest = n.dataType() == DataType.FLOAT ? Float.MAX_VALUE : Double.MAX_VALUE;
            for (int i = 0; i < count; i++) {
                n.set(d, i * count + i, 0);
                for (int j = i + 1; j < count; j++) {
                    double dij = pair(i, j);
                    if (dij > largest) {
                        throw Checks.fail(loss, "preOutput", "rows whose " + distance + " distances fit in " + n.dataType()
                                + " (up to " + (float) largest + "; float64 holds more)", "a distance of " + dij);
                    }
                    n.set(d, i * count + j, dij);
                }
            }
            LaneMath.mirror(d, count);
        } else {
            n.distancesFromGram(d, count, distance == Distance.EUCLIDEAN);
        }
        return d;
    }

    /** Whether a squared norm on the Gram matrix {@code g}'s diagonal overflowed the lanes' precision. */
    private boolean squaresOverflow(Object g) {
        for (int i = 0; i < count; i++) {
            if (Double.isInfinite(n.get(g, i * count + i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * An [n, n] coefficient matrix (scratch, padded by one vector) for {@link #addMatrixGradient},
     * zeroed when {@code cleared} (a formula that writes every entry leaves it as it is).
     */
    Object coefficients(boolean cleared) {
        Object c = KeptRows.scratch(n, COEFFICIENTS, count * count + PAD);
        if (cleared) {
            n.linear(c, 0, count * count, 0, 0);
        }
        return c;
    }

    /**
     * Adds the gradient of {@code sum_ij c_ij D_ij} to {@code acc}, for coefficients c [n, n]
     * (overwritten) and the matrix {@code d} of {@link #matrix()}: one matrix product of the
     * symmetrised coefficients with the rows, {@code 2 (rowsum(C) x_i - (C x)_i)} for the squared
     * distance (EUCLIDEAN first scales c by {@code dD/dS = 1 / (2 D)}, 0 where D is 0) and
     * {@code -(C u)_i} for COSINE.
     */
    void addMatrixGradient(Object c, Object d, Object acc) {
        if (distance == Distance.EUCLIDEAN) {
            n.divideWherePositive(c, d, count * count, 0.5);
        }
        LaneMath.addTranspose(c, count);
        Object rows = distance == Distance.COSINE ? unit : x;
        Object product = KeptRows.scratch(n, PRODUCT, count * columns);
        Blas.multiply(c, count, count, false, rows, count, columns, false, product);
        if (distance != Distance.COSINE) {
            Object ones = n.row(count);
            n.linear(ones, 0, count, 0, 1);
            for (int i = 0; i < count; i++) {
                n.axpy(2 * n.dot(c, i * count, ones, 0, count), x, i * columns, acc, i * columns, columns);
            }
        }
        n.axpy(distance == Distance.COSINE ? -1 : -2, product, 0, acc, 0, count * columns);
    }

    /**
     * Takes the accumulated gradient (with respect to the unit rows for COSINE, else to x) back
     * through COSINE's normalisation and the {@code normalize} option, in place: it is then the
     * gradient with respect to the activation's output.
     */
    void finish(Object acc) {
        if (distance == Distance.COSINE) {
            n.unitRowsBackward(unit, acc, 0, count, columns, unitNorms);
        }
        if (inputNorms != null) {
            n.unitRowsBackward(x, acc, 0, count, columns, inputNorms);
        }
    }
}
