package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Pairwise;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The distance between row i of x and row i of y, for every i ([m, 1]), and its backward pass:
 * the distances of tuples stacked in blocks.
 *
 * <ul>
 * <li>EUCLIDEAN: {@code |x - y|}; with {@code torchEps}, {@code |x - y + 1e-6|}, exactly
 * {@code torch.nn.functional.pairwise_distance} (eps = 1e-6 added to the difference), as
 * {@code triplet_margin_loss} uses it.</li>
 * <li>SQUARED_EUCLIDEAN: {@code |x - y|^2}.</li>
 * <li>COSINE: {@code 1 - u_x . u_y} with unit rows {@code u = x / max(|x|, 1e-12)}.</li>
 * </ul>
 * DOT is no distance and is rejected. Where a Euclidean distance is 0 its gradient is taken as 0
 * (the subgradient), never 1/0.
 */
final class PairDistance {
    /** What torch's pairwise_distance adds to the difference before taking the norm. */
    static final double TORCH_EPS = 1e-6;

    private final Distance distance;
    private final INDArray values;
    private INDArray difference;
    private INDArray ux;
    private INDArray uy;
    private INDArray nx;
    private INDArray ny;

    private PairDistance(Distance distance, boolean torchEps, INDArray x, INDArray y) {
        this.distance = distance;
        switch (distance) {
            case EUCLIDEAN:
                difference = x.sub(y);
                if (torchEps) {
                    difference.addi(TORCH_EPS);
                }
                values = Transforms.sqrt(Ops.rowSums(difference.mul(difference)), false);
                break;
            case SQUARED_EUCLIDEAN:
                difference = x.sub(y);
                values = Ops.rowSums(difference.mul(difference));
                break;
            case COSINE:
                nx = Pairwise.norms(x);
                ny = Pairwise.norms(y);
                ux = Pairwise.unitRows(x, nx);
                uy = Pairwise.unitRows(y, ny);
                values = Ops.rowSums(ux.mul(uy)).rsubi(1);
                break;
            default:
                throw new IllegalArgumentException("not a distance: " + distance);
        }
    }

    /**
     * The {@code distance} (EUCLIDEAN, SQUARED_EUCLIDEAN or COSINE) between the rows of x and y;
     * {@code torchEps} makes EUCLIDEAN PyTorch's {@code |x - y + 1e-6|} (the other distances have
     * no eps and ignore it).
     */
    static PairDistance of(Distance distance, boolean torchEps, INDArray x, INDArray y) {
        return new PairDistance(distance, torchEps, x, y);
    }

    /** d [m, 1]; callers must not modify it. */
    INDArray values() {
        return values;
    }

    /** {d/dx, d/dy} of {@code sum_i g_i d_i}, for coefficients g [m, 1]. */
    INDArray[] backward(INDArray g) {
        switch (distance) {
            case EUCLIDEAN: {
                INDArray positive = values.gt(0).castTo(g.dataType());
                // g / d where d > 0, else 0, without ever dividing by 0.
                INDArray scale = g.mul(positive).divi(values.add(positive.rsub(1)));
                INDArray dx = difference.mulColumnVector(scale);
                return new INDArray[] {dx, dx.neg()};
            }
            case SQUARED_EUCLIDEAN: {
                INDArray dx = difference.mulColumnVector(g.mul(2));
                return new INDArray[] {dx, dx.neg()};
            }
            case COSINE: {
                INDArray dux = uy.mulColumnVector(g).negi();
                INDArray duy = ux.mulColumnVector(g).negi();
                return new INDArray[] {Pairwise.unitRowsBackward(ux, nx, dux), Pairwise.unitRowsBackward(uy, ny, duy)};
            }
            default:
                throw new IllegalStateException(distance.toString());
        }
    }
}
