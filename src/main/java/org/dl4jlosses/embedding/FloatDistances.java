package org.dl4jlosses.embedding;

import java.util.Arrays;
import org.dl4jlosses.internal.Blas;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.Lanes;

/**
 * The float32 kernel form of {@link PairDistance} and {@link DistanceMatrix} (same distances, same
 * conventions: norms clamped at 1e-12, squared distances clamped at 0, a Euclidean distance of 0
 * with gradient 0), shared by the triplet and contrastive kernels: distances between two rows or
 * between all rows of the kept embeddings, and the backward pass of a loss linear in the
 * distances' coefficients.
 *
 * <p>Gradients are accumulated row by row into one {@code n x D} array with respect to the rows
 * the distances are measured on (the unit rows for COSINE); {@link #finish} takes it back through
 * the normalisations to the activation's output. Every array lives in {@link KeptRows#scratch}
 * slots 0..6 (slot 7 is left to the loss's own kernel).
 *
 * <p>The distance is EUCLIDEAN, SQUARED_EUCLIDEAN or COSINE (DOT is rejected); {@code torchEps}
 * makes EUCLIDEAN PyTorch's {@code |x - y + 1e-6|}, for pairs only.
 */
final class FloatDistances {
    private static final float NORM_EPS = 1e-12f;
    private static final float TORCH_EPS = (float) PairDistance.TORCH_EPS;
    private static final int NORMALISED = 0;
    private static final int UNIT = 1;
    private static final int INPUT_NORMS = 2;
    private static final int UNIT_NORMS = 3;
    private static final int MATRIX = 4;
    private static final int COEFFICIENTS = 5;
    private static final int PRODUCT = 6;
    /** Side of the square tiles in which [n, n] matrices are made symmetric. */
    private static final int TILE = 32;

    private final Distance distance;
    /** EUCLIDEAN pairs: add PyTorch's eps to the difference. */
    private final boolean torchEps;
    private final int n;
    private final int columns;
    /** The activation's output and, with normalize, its norms. */
    private final float[] input;
    private final float[] inputNorms;
    /** The rows the distance is taken between: the input, or its unit rows with normalize. */
    private final float[] x;
    /** COSINE: the unit rows of x, and x's norms. */
    private final float[] unit;
    private final float[] unitNorms;

    private FloatDistances(Distance distance, boolean torchEps, KeptRows rows, boolean normalize) {
        if (distance != Distance.EUCLIDEAN && distance != Distance.SQUARED_EUCLIDEAN && distance != Distance.COSINE) {
            throw new IllegalArgumentException("not a distance: " + distance);
        }
        this.distance = distance;
        this.torchEps = torchEps && distance == Distance.EUCLIDEAN;
        this.n = rows.count();
        this.columns = rows.columns();
        this.input = rows.values();
        if (normalize) {
            inputNorms = KeptRows.scratch(INPUT_NORMS, n);
            x = unitRows(input, KeptRows.scratch(NORMALISED, n * columns), inputNorms);
        } else {
            inputNorms = null;
            x = input;
        }
        if (distance == Distance.COSINE) {
            unitNorms = KeptRows.scratch(UNIT_NORMS, n);
            unit = unitRows(x, KeptRows.scratch(UNIT, n * columns), unitNorms);
        } else {
            unitNorms = null;
            unit = null;
        }
    }

    /**
     * The {@code distance} between the kept rows, L2-normalised first with {@code normalize};
     * {@code torchEps} makes EUCLIDEAN pairs PyTorch's {@code |x - y + 1e-6|} (the other distances
     * have no eps and ignore it).
     */
    static FloatDistances of(Distance distance, boolean torchEps, KeptRows rows, boolean normalize) {
        return new FloatDistances(distance, torchEps, rows, normalize);
    }

    /** {@code a / max(|a|, 1e-12)} row by row into {@code out}, the norms |a| into {@code norms}. */
    private float[] unitRows(float[] a, float[] out, float[] norms) {
        for (int i = 0; i < n; i++) {
            int off = i * columns;
            float norm = (float) Lanes.norm(a, off, columns);
            norms[i] = norm;
            float clamped = Math.max(norm, NORM_EPS);
            for (int k = 0; k < columns; k++) {
                out[off + k] = a[off + k] / clamped;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ one pair of rows

    /** The distance between rows i and j, computed directly (O(D)). */
    float pair(int i, int j) {
        int oi = i * columns;
        int oj = j * columns;
        switch (distance) {
            case EUCLIDEAN:
            case SQUARED_EUCLIDEAN: {
                double s = 0;
                if (torchEps) {
                    for (int k = 0; k < columns; k++) {
                        float diff = (x[oi + k] - x[oj + k]) + TORCH_EPS;
                        s += (double) diff * diff;
                    }
                } else {
                    for (int k = 0; k < columns; k++) {
                        float diff = x[oi + k] - x[oj + k];
                        s += (double) diff * diff;
                    }
                }
                return distance == Distance.EUCLIDEAN ? (float) Math.sqrt(s) : (float) s;
            }
            case COSINE:
                return (float) (1 - Lanes.dot(unit, oi, unit, oj, columns));
            default:
                throw new IllegalStateException(distance.toString());
        }
    }

    /**
     * Adds {@code g} times the gradient of the distance {@code d} between rows i and j to rows i and
     * j of the accumulator {@code acc}.
     */
    void addPairGradient(int i, int j, float g, float d, float[] acc) {
        if (g == 0) {
            return;
        }
        int oi = i * columns;
        int oj = j * columns;
        switch (distance) {
            case EUCLIDEAN: {
                if (d <= 0) {
                    return;
                }
                float eps = torchEps ? TORCH_EPS : 0f;
                float scale = g / d;
                for (int k = 0; k < columns; k++) {
                    float step = ((x[oi + k] - x[oj + k]) + eps) * scale;
                    acc[oi + k] += step;
                    acc[oj + k] -= step;
                }
                return;
            }
            case SQUARED_EUCLIDEAN: {
                float scale = 2 * g;
                for (int k = 0; k < columns; k++) {
                    float step = (x[oi + k] - x[oj + k]) * scale;
                    acc[oi + k] += step;
                    acc[oj + k] -= step;
                }
                return;
            }
            case COSINE:
                for (int k = 0; k < columns; k++) {
                    acc[oi + k] -= g * unit[oj + k];
                    acc[oj + k] -= g * unit[oi + k];
                }
                return;
            default:
                throw new IllegalStateException(distance.toString());
        }
    }

    // ------------------------------------------------------------------ all pairs

    /**
     * D [n, n] (row-major, in a scratch slot) between all rows, from one Gram matrix: COSINE
     * {@code 1 - u_i . u_j}; otherwise {@code S_ij = |x_i|^2 + |x_j|^2 - 2 x_i . x_j} clamped at 0
     * (SQUARED_EUCLIDEAN) or its root (EUCLIDEAN). S is made exactly symmetric (each pair computed
     * once), so the mining of (i, j) and (j, i) agrees. The diagonal is not forced to 0.
     */
    float[] matrix() {
        float[] d = KeptRows.scratch(MATRIX, n * n);
        if (distance == Distance.COSINE) {
            Blas.multiply(unit, n, columns, false, unit, n, columns, true, d);
            for (int i = 0; i < n * n; i++) {
                d[i] = 1 - d[i];
            }
            return d;
        }
        if (torchEps) {
            throw new IllegalStateException("PyTorch's eps is for pairs only");
        }
        Blas.multiply(x, n, columns, false, x, n, columns, true, d);
        // The squared norms are the Gram matrix's own diagonal, not separate dot products: then two
        // identical rows, whose products the gemm rounds alike, get exactly S = 0 (and d = 0).
        double[] squares = new double[n];
        for (int i = 0; i < n; i++) {
            squares[i] = d[i * n + i];
        }
        boolean root = distance == Distance.EUCLIDEAN;
        // Tile by tile: a row of n floats can be a multiple of 4 KB, and walking a column then
        // thrashes a few cache sets.
        for (int ib = 0; ib < n; ib += TILE) {
            int iEnd = Math.min(ib + TILE, n);
            for (int jb = ib; jb < n; jb += TILE) {
                int jEnd = Math.min(jb + TILE, n);
                for (int i = ib; i < iEnd; i++) {
                    int row = i * n;
                    for (int j = Math.max(jb, i); j < jEnd; j++) {
                        double s = squares[i] + squares[j] - 2.0 * d[row + j];
                        float v = s > 0 ? (float) (root ? Math.sqrt(s) : s) : 0f;
                        d[row + j] = v;
                        d[j * n + i] = v;
                    }
                }
            }
        }
        return d;
    }

    /** A zeroed [n, n] coefficient matrix (scratch) for {@link #addMatrixGradient}. */
    float[] coefficients() {
        float[] c = KeptRows.scratch(COEFFICIENTS, n * n);
        Arrays.fill(c, 0, n * n, 0f);
        return c;
    }

    /**
     * Adds the gradient of {@code sum_ij c_ij D_ij} to {@code acc}, for coefficients c [n, n]
     * (overwritten) and the matrix {@code d} of {@link #matrix()}: one matrix product of the
     * symmetrised coefficients with the rows, {@code 2 (rowsum(C) x_i - (C x)_i)} for the squared
     * distance (EUCLIDEAN first scales c by {@code dD/dS = 1 / (2 D)}, 0 where D is 0) and
     * {@code -(C u)_i} for COSINE.
     */
    void addMatrixGradient(float[] c, float[] d, float[] acc) {
        if (distance == Distance.EUCLIDEAN) {
            for (int i = 0; i < n * n; i++) {
                c[i] = d[i] > 0 ? c[i] / (2 * d[i]) : 0f;
            }
        }
        CandidateSoftmaxKernel.symmetrize(c, n);
        float[] rows = distance == Distance.COSINE ? unit : x;
        float[] product = KeptRows.scratch(PRODUCT, n * columns);
        Blas.multiply(c, n, n, false, rows, n, columns, false, product);
        if (distance == Distance.COSINE) {
            for (int i = 0; i < n * columns; i++) {
                acc[i] -= product[i];
            }
            return;
        }
        double[] rowSums = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int row = i * n;
            for (int j = 0; j < n; j++) {
                sum += c[row + j];
            }
            rowSums[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            int off = i * columns;
            float r = (float) rowSums[i];
            for (int k = 0; k < columns; k++) {
                acc[off + k] += 2 * (r * x[off + k] - product[off + k]);
            }
        }
    }

    /**
     * Takes the accumulated gradient (with respect to the unit rows for COSINE, else to x) back
     * through COSINE's normalisation and the {@code normalize} option, in place: it is then the
     * gradient with respect to the activation's output.
     */
    void finish(float[] acc) {
        if (distance == Distance.COSINE) {
            unitRowsBackward(unit, unitNorms, acc);
        }
        if (inputNorms != null) {
            unitRowsBackward(x, inputNorms, acc);
        }
    }

    /**
     * {@code g <- (g - u (u . g)) / |a|} for {@code u = a / max(|a|, 1e-12)}; a row whose norm is
     * below 1e-12 was scaled, not normalised, so its map is linear: {@code g / 1e-12}.
     */
    private void unitRowsBackward(float[] u, float[] norms, float[] g) {
        for (int i = 0; i < n; i++) {
            int off = i * columns;
            float clamped = Math.max(norms[i], NORM_EPS);
            float radial = norms[i] >= NORM_EPS ? (float) Lanes.dot(u, off, g, off, columns) : 0f;
            for (int k = 0; k < columns; k++) {
                g[off + k] = (g[off + k] - u[off + k] * radial) / clamped;
            }
        }
    }
}
