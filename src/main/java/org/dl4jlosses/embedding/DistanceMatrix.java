package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Pairwise;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Every pairwise distance {@code D [n, n]} between the rows of one embedding matrix, from one
 * matrix product, and the backward pass of a loss that is linear in D's coefficients.
 *
 * <ul>
 * <li>SQUARED_EUCLIDEAN: {@code S_ij = |x_i|^2 + |x_j|^2 - 2 x_i . x_j}, clamped at 0 (rounding
 * can make it slightly negative). Like every distance from a matrix product (PyTorch's
 * {@code cdist} too), it resolves distances only down to about {@code sqrt(eps) |x|}: smaller
 * ones drown in rounding.</li>
 * <li>EUCLIDEAN: {@code sqrt(S_ij)} with a safe square root: where S is 0 the distance is 0 and
 * its gradient is 0 (the subgradient), never {@code 1/0}. This is TensorFlow Addons'
 * {@code pairwise_distance} convention.</li>
 * <li>COSINE: {@code 1 - u_i . u_j} with {@code u = x / max(|x|, 1e-12)} (F.normalize).</li>
 * </ul>
 * DOT is no distance and is rejected. The diagonal is not forced to 0; the triplet and
 * contrastive losses never read it.
 */
final class DistanceMatrix {
    private final Distance distance;
    private final INDArray x;
    private final INDArray values;
    /** EUCLIDEAN: 1 / (2 D) where D > 0, else 0 (dD/dS with the safe root). */
    private INDArray halfInverse;
    /** COSINE: the row norms and unit rows. */
    private INDArray norms;
    private INDArray unit;

    private DistanceMatrix(Distance distance, INDArray x) {
        this.distance = distance;
        this.x = x;
        switch (distance) {
            case SQUARED_EUCLIDEAN:
                values = squaredDistances(x);
                break;
            case EUCLIDEAN: {
                INDArray squared = squaredDistances(x);
                values = Transforms.sqrt(squared, false);
                INDArray positive = values.gt(0).castTo(x.dataType());
                // 1 / (2 D + (1 - positive)) is finite everywhere; multiplying by `positive` zeroes it at D = 0.
                halfInverse = Transforms.pow(values.mul(2).addi(positive.rsub(1)), -1, false).muli(positive);
                break;
            }
            case COSINE:
                norms = Pairwise.norms(x);
                unit = Pairwise.unitRows(x, norms);
                values = Pairwise.gram(unit, unit).rsubi(1);
                break;
            default:
                throw new IllegalArgumentException("not a distance: " + distance);
        }
    }

    /**
     * {@code S_ij = |x_i|^2 + |x_j|^2 - 2 x_i . x_j} clamped at 0, as one matrix product of the
     * rows {@code [x_i, |x_i|^2, 1]} with the rows {@code [-2 x_j, 1, |x_j|^2]}: no broadcast passes
     * over the [n, n] result.
     */
    private static INDArray squaredDistances(INDArray x) {
        INDArray squares = Ops.rowSums(x.mul(x));
        INDArray ones = Nd4j.ones(x.dataType(), x.size(0), 1);
        INDArray left = Nd4j.hstack(x, squares, ones);
        INDArray right = Nd4j.hstack(x.mul(-2), ones, squares);
        return Transforms.relu(left.mmul(right.transpose()), false);
    }

    /** The {@code distance} (EUCLIDEAN, SQUARED_EUCLIDEAN or COSINE) between all rows of x. */
    static DistanceMatrix of(Distance distance, INDArray x) {
        return new DistanceMatrix(distance, x);
    }

    /** D [n, n]; callers must not modify it. */
    INDArray values() {
        return values;
    }

    /** c + c^T as a new array (adding c's transpose view into c itself would read overwritten entries). */
    private static INDArray symmetric(INDArray c) {
        return c.add(c.transpose());
    }

    /** The gradient with respect to x of {@code sum_ij c_ij D_ij}, for coefficients c [n, n] (modified). */
    INDArray backward(INDArray c) {
        switch (distance) {
            case SQUARED_EUCLIDEAN:
                return Pairwise.squaredDistancesBackwardA(symmetric(c), x, x);
            case EUCLIDEAN: {
                INDArray cs = c.muli(halfInverse);
                return Pairwise.squaredDistancesBackwardA(symmetric(cs), x, x);
            }
            case COSINE: {
                INDArray dUnit = symmetric(c).mmul(unit).negi();
                return Pairwise.unitRowsBackward(unit, norms, dUnit);
            }
            default:
                throw new IllegalStateException(distance.toString());
        }
    }
}
