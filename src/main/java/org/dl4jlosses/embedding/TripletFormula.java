package org.dl4jlosses.embedding;

import java.util.Arrays;
import org.dl4jlosses.internal.CoupledFormula;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LaneMath;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@link TripletLoss}'s formula (documented there) over the kept rows, for float32 and float64:
 * the given triplets of NONE pair by pair, and the mining of ALL, HARD and SEMI_HARD over one
 * distance matrix (ties to the first index). HARD and NONE touch only the rows of the chosen pairs
 * (O(n D) after the distance matrix); ALL and SEMI_HARD collect their coefficients in an [n, n]
 * matrix and take one matrix product.
 */
final class TripletFormula implements CoupledFormula {
    private final Distance distance;
    private final TripletLoss.Mining mining;
    private final double margin;
    private final boolean swap;
    private final boolean normalize;

    TripletFormula(Distance distance, TripletLoss.Mining mining, double margin, boolean swap, boolean normalize,
                   LaneMath<?> n) {
        this.mining = mining;
        this.distance = distance;
        this.margin = margin;
        this.swap = swap;
        this.normalize = normalize;
    }

    @Override
    public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
        // NONE pairs are PyTorch's (EUCLIDEAN: |x - y + 1e-6|); the mined ones come from a matrix
        Distances distances = new Distances(TripletLoss.NAME, n, distance, mining == TripletLoss.Mining.NONE, rows, normalize);
        if (gradient != null) {
            n.linear(gradient, 0, rows.count() * rows.columns(), 0, 0);
        }
        if (mining == TripletLoss.Mining.NONE) {
            triplets(rows, distances, losses, gradient);
        } else {
            double mean = mining == TripletLoss.Mining.HARD ? hard(n, rows, distances, gradient)
                    : mining == TripletLoss.Mining.ALL ? all(n, rows, distances, gradient)
                    : semiHard(n, rows, distances, gradient);
            if (losses != null) {
                // every row carries an equal share: n x mean spread over the n rows
                Arrays.fill(losses, 0, rows.count(), mean);
            }
        }
        if (gradient != null) {
            distances.finish(gradient);
        }
    }

    /** NONE: the given triplet of rows (i, N' + i, 2 N' + i); its loss on its three rows. */
    private void triplets(KeptRows rows, Distances distances, double[] losses, Object gradient) {
        int tuples = rows.tuples();
        for (int t = 0; t < tuples; t++) {
            int a = t;
            int p = tuples + t;
            int q = 2 * tuples + t;
            double ap = distances.pair(a, p);
            double an = distances.pair(a, q);
            double pn = swap ? distances.pair(p, q) : 0;
            boolean swapped = swap && pn < an;
            double h = ap - (swapped ? pn : an) + margin;
            if (losses != null) {
                double loss = Math.max(h, 0);
                losses[a] = loss;
                losses[p] = loss;
                losses[q] = loss;
            }
            if (gradient != null && h > 0) {
                // the triplet's loss sits on its three rows, so the total is 3 x the sum over triplets
                distances.addPairGradient(a, p, 3, ap, gradient);
                if (swapped) {
                    distances.addPairGradient(p, q, -3, pn, gradient);
                } else {
                    distances.addPairGradient(a, q, -3, an, gradient);
                }
            }
        }
    }

    /**
     * HARD: per anchor with a positive and a negative, {@code max(0, max_p D_ap - min_n D_an + m)};
     * returns the mean over those anchors and adds the gradient of n x mean to {@code gradient}.
     */
    private <V> double hard(LaneMath<V> lanes, KeptRows rows, Distances distances, Object gradient) {
        int n = rows.count();
        int[] groups = rows.groups();
        int[][] members = rows.groupMembers();
        int anchors = 0;
        for (int a = 0; a < n; a++) {
            if (members[groups[a]].length > 1 && members[groups[a]].length < n) {
                anchors++;
            }
        }
        if (anchors == 0) {
            return 0;
        }
        Object d = distances.matrix();
        // d(n x mean)/dD of each active anchor's chosen distances
        double weight = (double) n / anchors;
        double sum = 0;
        for (int a = 0; a < n; a++) {
            int group = groups[a];
            if (members[group].length < 2 || members[group].length == n) {
                continue;
            }
            int row = a * n;
            int positive = -1;
            int negative = -1;
            double farthest = Double.NEGATIVE_INFINITY;
            double nearest = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double v = lanes.get(d, row + j);
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
            double negativeDistance = nearest;
            boolean swapped = false;
            if (swap) {
                double pn = lanes.get(d, positive * n + negative);
                swapped = pn < nearest;
                negativeDistance = swapped ? pn : nearest;
            }
            double h = farthest - negativeDistance + margin;
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
     * loss (0 if none); adds the gradient of n x mean to {@code gradient}. Each positive pair (a, p)
     * takes one pass in whole vectors over a's row, where the anchor's own group reads as the
     * largest finite distance (never a negative; infinity would give infinity - infinity in the swap test).
     */
    private <V> double all(LaneMath<V> lanes, KeptRows rows, Distances distances, Object gradient) {
        int n = rows.count();
        int[] groups = rows.groups();
        int[][] members = rows.groupMembers();
        Object d = distances.matrix();
        Object c = gradient != null ? distances.coefficients(true) : null;
        Object negatives = lanes.row(n);
        double far = lanes.dataType() == DataType.FLOAT ? Float.MAX_VALUE : Double.MAX_VALUE;
        // swap: 0, and far on the anchor's group, added to p's row
        Object blocked = lanes.row(n);
        // the coefficients of (a, q) over a's positive pairs, and of (p, q) for swapped triplets
        Object pushAnchor = lanes.row(n);
        Object pushPositive = lanes.row(n);
        double sum = 0;
        long count = 0;
        for (int a = 0; a < n; a++) {
            int[] group = members[groups[a]];
            if (group.length < 2 || group.length == n) {
                continue;
            }
            int row = a * n;
            System.arraycopy(d, row, negatives, 0, n);
            for (int member : group) {
                lanes.set(negatives, member, far);
                lanes.set(blocked, member, far);
            }
            lanes.linear(pushAnchor, 0, n, 0, 0);
            for (int p : group) {
                if (p == a) {
                    continue;
                }
                double ap = lanes.get(d, row + p);
                lanes.begin(n);
                int width = lanes.width(n);
                V zero = lanes.of(0);
                V one = lanes.of(1);
                V threshold = lanes.of(ap + margin);
                V hinges = lanes.of(0);
                V actives = lanes.of(0);
                for (int q = 0; q < n; q += width) {
                    V negative = lanes.loadRow(negatives, q);
                    V swapped = zero;
                    if (swap) {
                        V viaPositive = lanes.add(lanes.loadRow(d, p * n + q), lanes.loadRow(blocked, q));
                        swapped = lanes.max(lanes.signum(lanes.sub(negative, viaPositive)), zero);
                        negative = lanes.min(negative, viaPositive);
                    }
                    V h = lanes.sub(threshold, negative);
                    V active = lanes.max(lanes.signum(h), zero);
                    // The pair's hinges summed apart first: one running sum over millions of triplets
                    // would lose digits that the score's finite differences see.
                    if (q + width <= n) {
                        hinges = lanes.add(hinges, lanes.max(h, zero));
                        actives = lanes.add(actives, active);
                    } else {
                        hinges = lanes.addLanes(hinges, lanes.max(h, zero), q, n);
                        actives = lanes.addLanes(actives, active, q, n);
                    }
                    if (c != null) {
                        lanes.storeRow(lanes.sub(lanes.loadRow(pushAnchor, q), lanes.mul(active, lanes.sub(one, swapped))),
                                pushAnchor, q);
                        if (swap) {
                            lanes.storeRow(lanes.neg(lanes.mul(active, swapped)), pushPositive, q);
                        }
                    }
                }
                sum += lanes.sum(hinges, n);
                long pulled = Math.round(lanes.sum(actives, n));
                count += pulled;
                if (c != null) {
                    lanes.set(c, row + p, lanes.get(c, row + p) + pulled);
                    if (swap) {
                        lanes.axpy(1, pushPositive, 0, c, p * n, n);
                    }
                }
            }
            if (c != null) {
                lanes.axpy(1, pushAnchor, 0, c, row, n);
            }
            for (int member : group) {
                lanes.set(blocked, member, 0);
            }
        }
        if (count == 0) {
            return 0;
        }
        if (c != null) {
            lanes.scale(c, 0, n * n, (double) n / count);
            distances.addMatrixGradient(c, d, gradient);
        }
        return sum / count;
    }

    /**
     * SEMI_HARD: per positive pair (a, p) of an anchor with negatives, the negative with the
     * smallest {@code D_an > D_ap}, else the farthest negative; the mean of the hinge over those
     * pairs, and the gradient of n x mean added to {@code gradient}.
     */
    private <V> double semiHard(LaneMath<V> lanes, KeptRows rows, Distances distances, Object gradient) {
        int n = rows.count();
        int[] groups = rows.groups();
        int[][] members = rows.groupMembers();
        long count = 0;
        for (int a = 0; a < n; a++) {
            if (members[groups[a]].length < n) {
                count += members[groups[a]].length - 1;
            }
        }
        if (count == 0) {
            return 0;
        }
        Object d = distances.matrix();
        Object c = gradient != null ? distances.coefficients(true) : null;
        double sum = 0;
        for (int a = 0; a < n; a++) {
            int group = groups[a];
            if (members[group].length == n || members[group].length < 2) {
                continue;
            }
            int row = a * n;
            // the farthest negative, used by the pairs with no farther negative
            int inside = -1;
            double insideDistance = Double.NEGATIVE_INFINITY;
            for (int q = 0; q < n; q++) {
                if (groups[q] != group && lanes.get(d, row + q) > insideDistance) {
                    insideDistance = lanes.get(d, row + q);
                    inside = q;
                }
            }
            for (int p = 0; p < n; p++) {
                if (p == a || groups[p] != group) {
                    continue;
                }
                double ap = lanes.get(d, row + p);
                int outside = -1;
                double outsideDistance = Double.POSITIVE_INFINITY;
                for (int q = 0; q < n; q++) {
                    double an = lanes.get(d, row + q);
                    if (groups[q] != group && an > ap && an < outsideDistance) {
                        outsideDistance = an;
                        outside = q;
                    }
                }
                int negative = outside >= 0 ? outside : inside;
                double h = ap - lanes.get(d, row + negative) + margin;
                if (h > 0) {
                    sum += h;
                    if (c != null) {
                        lanes.set(c, row + p, lanes.get(c, row + p) + 1);
                        lanes.set(c, row + negative, lanes.get(c, row + negative) - 1);
                    }
                }
            }
        }
        if (c != null) {
            lanes.scale(c, 0, n * n, (double) n / count);
            distances.addMatrixGradient(c, d, gradient);
        }
        return sum / count;
    }
}
