package org.dl4jlosses.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Numerically safe building blocks the formulas share. Every method returns a new array. */
public final class Ops {
    /** Floor for a base raised to a negative power, so that 0^(negative) times 0 stays 0. */
    private static final double TINY = 1e-30;

    private Ops() {
    }

    /** log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|). */
    public static INDArray softplus(INDArray x) {
        INDArray tail = Transforms.log1p(Transforms.exp(Transforms.abs(x, true).negi(), false), false);
        return tail.addi(Transforms.relu(x, true));
    }

    public static INDArray sigmoid(INDArray x) {
        return Transforms.sigmoid(x, true);
    }

    /** sigmoid(-x) = 1 - sigmoid(x), computed without cancellation. */
    public static INDArray sigmoidOfNegative(INDArray x) {
        return Transforms.sigmoid(x.neg(), false);
    }

    /** Row-wise softmax. */
    public static INDArray softmax(INDArray z) {
        INDArray out = z.ulike();
        Nd4j.exec(new SoftMax(z, out, -1));
        return out;
    }

    /** Row-wise log-sum-exp [R, 1], shifted by the row maximum so that nothing overflows. */
    public static INDArray logSumExp(INDArray z) {
        INDArray max = z.max(true, 1);
        INDArray sumExp = rowSums(Transforms.exp(z.subColumnVector(max), false));
        return Transforms.log(sumExp, false).addi(max);
    }

    /** Row-wise log-softmax z - logsumexp(z), stable for any magnitude (ND4J's LogSoftMax overflows in float32). */
    public static INDArray logSoftmax(INDArray z) {
        INDArray shifted = z.subColumnVector(z.max(true, 1));
        INDArray logSumExp = Transforms.log(rowSums(Transforms.exp(shifted, true)), false);
        return shifted.subiColumnVector(logSumExp);
    }

    /** Row sums [R, 1] by one matrix-vector product (much faster than a dimension reduction). */
    public static INDArray rowSums(INDArray x) {
        return x.mmul(Nd4j.ones(x.dataType(), x.size(1), 1));
    }

    /** x^p with the base floored at 1e-30 where p is negative, so that a zero base gives a large finite value. */
    public static INDArray pow(INDArray x, double p) {
        if (p == 0) {
            return Nd4j.onesLike(x);
        }
        if (p == 1) {
            return x.dup();
        }
        INDArray base = p < 0 ? Transforms.max(x, TINY, true) : x;
        return Transforms.pow(base, p, p >= 0);
    }

    /** x clipped to [lo, hi]. */
    public static INDArray clip(INDArray x, double lo, double hi) {
        return Transforms.min(Transforms.max(x, lo, true), hi, false);
    }

    /** y (1 - e) + e / n: label smoothing towards the uniform distribution over n outcomes. */
    public static INDArray smooth(INDArray y, double e, int n) {
        return e == 0 ? y : y.mul(1 - e).addi(e / n);
    }
}
