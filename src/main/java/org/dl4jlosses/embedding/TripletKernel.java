package org.dl4jlosses.embedding;

import java.util.Arrays;
import org.dl4jlosses.internal.CoupledKernel;
import org.dl4jlosses.internal.KeptRows;

/**
 * {@link TripletLoss}'s formula (documented there) over float arrays: the given triplets of NONE
 * pair by pair, and the mining of ALL, HARD and SEMI_HARD over one distance matrix with the same
 * selections as {@link TripletMining} (ties to the first index). HARD and NONE touch only the rows
 * of the chosen pairs (O(n D) after the distance matrix); ALL and SEMI_HARD collect their
 * coefficients in an [n, n] matrix and take one matrix product.
 */
final class TripletKernel implements CoupledKernel {
    private final Distance distance;
    private final TripletLoss.Mining mining;
    private final float margin;
    private final boolean swap;
    private final boolean normalize;

    TripletKernel(Distance distance, TripletLoss.Mining mining, double margin, boolean swap, boolean normalize) {
        this.mining = mining;
        this.distance = distance;
        this.margin = (float) margin;
        this.swap = swap;
        this.normalize = normalize;
    }

    @Override
    public boolean evaluate(KeptRows rows, float[] losses, float[] gradient) {
        // NONE pairs are PyTorch's (EUCLIDEAN: |x - y + 1e-6|); the mined ones come from a matrix
        FloatDistances distances = FloatDistances.of(distance, mining == TripletLoss.Mining.NONE, rows, normalize);
        if (gradient != null) {
            Arrays.fill(gradient, 0, rows.count() * rows.columns(), 0f);
        }
        if (mining == TripletLoss.Mining.NONE) {
            triplets(rows, distances, losses, gradient);
        } else {
            int n = rows.count();
            double mean = mining == TripletLoss.Mining.HARD ? hard(rows, distances, gradient)
                    : mining == TripletLoss.Mining.ALL ? all(rows, distances, gradient)
                    : semiHard(rows, distances, gradient);
            if (losses != null) {
                // every row carries an equal share: n x mean spread over the n rows
                Arrays.fill(losses, 0, n, (float) mean);
            }
        }
        if (gradient != null) {
            distances.finish(gradient);
        }
        return true;
    }

    /** NONE: the given triplet of rows (i, N' + i, 2 N' + i); its loss on its three rows. */
    private void triplets(KeptRows rows, FloatDistances distances, float[] losses, float[] gradient) {
        int tuples = rows.tuples();
        for (int t = 0; t < tuples; t++) {
            int a = t;
            int p = tuples + t;
            int q = 2 * tuples + t;
            float ap = distances.pair(a, p);
            float an = distances.pair(a, q);
            float pn = swap ? distances.pair(p, q) : 0f;
            boolean swapped = swap && pn < an;
            float h = ap - (swapped ? pn : an) + margin;
            if (losses != null) {
                float loss = Math.max(h, 0f);
                losses[a] = loss;
                losses[p] = loss;
                losses[q] = loss;
            }
            if (gradient != null && h > 0) {
                // the triplet's loss sits on its three rows, so the total is 3 x the sum over triplets
                distances.addPairGradient(a, p, 3f, ap, gradient);
                if (swapped) {
                    distances.addPairGradient(p, q, -3f, pn, gradient);
                } else {
                    distances.addPairGradient(a, q, -3f, an, gradient);
                }
            }
        }
    }

    /** The number of kept rows in each group. */
    private static int[] groupSizes(KeptRows rows) {
        int[] sizes = new int[rows.groupCount()];
        int[] groups = rows.groups();
        for (int i = 0; i < rows.count(); i++) {
            sizes[groups[i]]++;
        }
        return sizes;
    }

    /**
     * HARD: per anchor with a positive and a negative, {@code max(0, max_p D_ap - min_n D_an + m)};
     * returns the mean over those anchors and adds the gradient of n x mean to {@code gradient}.
     */
    private double hard(KeptRows rows, FloatDistances distances, float[] gradient) {
        int n = rows.count();
        int[] groups = rows.groups();
        int[] sizes = groupSizes(rows);
        int anchors = 0;
        for (int a = 0; a < n; a++) {
            if (sizes[groups[a]] > 1 && sizes[groups[a]] < n) {
                anchors++;
            }
        }
        if (anchors == 0) {
            return 0;
        }
        float[] d = distances.matrix();
        // d(n x mean)/dD of each active anchor's chosen distances
        float weight = (float) n / anchors;
        double sum = 0;
        for (int a = 0; a < n; a++) {
            int group = groups[a];
            if (sizes[group] < 2 || sizes[group] == n) {
                continue;
            }
            int row = a * n;
            int positive = -1;
            int negative = -1;
            float farthest = Float.NEGATIVE_INFINITY;
            float nearest = Float.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                float v = d[row + j];
                if (groups[j] == group) {
                    if (j != a && v > farthest) {
                        farthest = v;
                        positive = j;
                    }
                } else if (v < nearest) {
                    nearest = v;
                    negative = j;
                }
            }
            float negativeDistance = nearest;
            boolean swapped = false;
            if (swap) {
                float pn = d[positive * n + negative];
                swapped = pn < nearest;
                negativeDistance = swapped ? pn : nearest;
            }
            float h = farthest - negativeDistance + margin;
            if (h > 0) {
                sum += h;
                if (gradient != null) {
                    distances.addPairGradient(a, positive, weight, farthest, gradient);
                    if (swapped) {
                        distances.addPairGradient(positive, negative, -weight, negativeDistance, gradient);
                    } else {
                        distances.addPairGradient(a, negative, -weight, nearest, gradient);
                    }
                }
            }
        }
        return sum / anchors;
    }

    /**
     * ALL: the mean of {@code max(0, D_ap - D_an + m)} over the valid triplets with a positive
     * loss (0 if none); adds the gradient of n x mean to {@code gradient}.
     */
    private double all(KeptRows rows, FloatDistances distances, float[] gradient) {
        int n = rows.count();
        int[] groups = rows.groups();
        float[] d = distances.matrix();
        float[] c = gradient != null ? distances.coefficients() : null;
        double sum = 0;
        long count = 0;
        for (int a = 0; a < n; a++) {
            int group = groups[a];
            int row = a * n;
            for (int p = 0; p < n; p++) {
                if (p == a || groups[p] != group) {
                    continue;
                }
                float ap = d[row + p];
                int positiveRow = p * n;
                float pulled = 0;
                for (int q = 0; q < n; q++) {
                    if (groups[q] == group) {
                        continue;
                    }
                    float an = d[row + q];
                    float negativeDistance = an;
                    boolean swapped = false;
                    if (swap) {
                        float pn = d[positiveRow + q];
                        swapped = pn < an;
                        negativeDistance = swapped ? pn : an;
                    }
                    float h = ap - negativeDistance + margin;
                    if (h > 0) {
                        sum += h;
                        count++;
                        if (c != null) {
                            pulled++;
                            if (swapped) {
                                c[positiveRow + q] -= 1;
                            } else {
                                c[row + q] -= 1;
                            }
                        }
                    }
                }
                if (c != null) {
                    c[row + p] += pulled;
                }
            }
        }
        if (count == 0) {
            return 0;
        }
        if (c != null) {
            scale(c, n * n, (float) n / count);
            distances.addMatrixGradient(c, d, gradient);
        }
        return sum / count;
    }

    /**
     * SEMI_HARD: per positive pair (a, p) of an anchor with negatives, the negative with the
     * smallest {@code D_an > D_ap}, else the farthest negative; the mean of the hinge over those
     * pairs, and the gradient of n x mean added to {@code gradient}.
     */
    private double semiHard(KeptRows rows, FloatDistances distances, float[] gradient) {
        int n = rows.count();
        int[] groups = rows.groups();
        int[] sizes = groupSizes(rows);
        long count = 0;
        for (int a = 0; a < n; a++) {
            if (sizes[groups[a]] < n) {
                count += sizes[groups[a]] - 1;
            }
        }
        if (count == 0) {
            return 0;
        }
        float[] d = distances.matrix();
        float[] c = gradient != null ? distances.coefficients() : null;
        double sum = 0;
        for (int a = 0; a < n; a++) {
            int group = groups[a];
            if (sizes[group] == n || sizes[group] < 2) {
                continue;
            }
            int row = a * n;
            // the farthest negative, used by the pairs with no farther negative
            int inside = -1;
            float insideDistance = Float.NEGATIVE_INFINITY;
            for (int q = 0; q < n; q++) {
                if (groups[q] != group && d[row + q] > insideDistance) {
                    insideDistance = d[row + q];
                    inside = q;
                }
            }
            for (int p = 0; p < n; p++) {
                if (p == a || groups[p] != group) {
                    continue;
                }
                float ap = d[row + p];
                int outside = -1;
                float outsideDistance = Float.POSITIVE_INFINITY;
                for (int q = 0; q < n; q++) {
                    float an = d[row + q];
                    if (groups[q] != group && an > ap && an < outsideDistance) {
                        outsideDistance = an;
                        outside = q;
                    }
                }
                int negative = outside >= 0 ? outside : inside;
                float h = ap - d[row + negative] + margin;
                if (h > 0) {
                    sum += h;
                    if (c != null) {
                        c[row + p] += 1;
                        c[row + negative] -= 1;
                    }
                }
            }
        }
        if (c != null) {
            scale(c, n * n, (float) n / count);
            distances.addMatrixGradient(c, d, gradient);
        }
        return sum / count;
    }

    private static void scale(float[] a, int length, float factor) {
        for (int i = 0; i < length; i++) {
            a[i] *= factor;
        }
    }
}
