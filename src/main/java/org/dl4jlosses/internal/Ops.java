package org.dl4jlosses.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Numerically safe building blocks the formulas share. Every method returns a new array. */
public final class Ops {
    /** Floor for a base raised to a negative power, so that 0^(negative) times 0 stays 0. */
    private static final Map<String, INDArray> CONSTANTS = new ConcurrentHashMap<>();

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

    /** Row-wise softmax. */
    public static INDArray softmax(INDArray z) {
        INDArray out = z.ulike();
        Nd4j.exec(new SoftMax(z, out, -1));
        return out;
    }

    /**
     * Row-wise log-sum-exp [R, 1]. When every |z| is small enough that no exponential can overflow
     * or leave the normal range, it is summed directly; otherwise each row is first shifted by its
     * maximum. The check costs one BLAS pass, the shift three ND4J passes.
     */
    public static INDArray logSumExp(INDArray z) {
        double safe = (z.dataType() == DataType.DOUBLE ? 700 : 80) - Math.log(z.size(1));
        if (maxAbs(z) < safe) {
            return Transforms.log(rowSums(Transforms.exp(z, true)), false);
        }
        INDArray max = z.max(true, 1);
        INDArray sumExp = rowSums(Transforms.exp(z.subColumnVector(max), false));
        return Transforms.log(sumExp, false).addi(max);
    }

    /** max |x| by BLAS (NaN when x holds NaN). */
    public static double maxAbs(INDArray x) {
        INDArray flat = x.ordering() != 'c' || x.isView() ? x.dup('c') : x;
        flat = flat.reshape(flat.length());
        double amax = Math.abs(flat.getDouble(Nd4j.getBlasWrapper().iamax(flat)));
        return Double.isNaN(Nd4j.getBlasWrapper().asum(flat)) ? Double.NaN : amax;
    }

    /** Row sums [R, 1]: BLAS gemv with a ones vector, several times faster than ND4J's dimension reduction. */
    public static INDArray rowSums(INDArray x) {
        return rowDot(x, ones(x.dataType(), x.size(1)));
    }

    /** A shared, read-only vector of n ones, kept outside any workspace. */
    static INDArray ones(DataType type, long n) {
        return constant(type, n, 1.0);
    }

    /** A shared, read-only vector [n] filled with value, kept outside any workspace. */
    static INDArray constant(DataType type, long n, double value) {
        return CONSTANTS.computeIfAbsent(type + ":" + n + ":" + value, key -> {
            try (MemoryWorkspace detached = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.valueArrayOf(new long[] {n}, value, type);
            }
        });
    }

    /** The sum of all elements as a double; small arrays are summed in Java (an ND4J reduction costs tens of microseconds). */
    public static double sum(INDArray x) {
        if (x.length() > 1 << 16) {
            return x.sumNumber().doubleValue();
        }
        INDArray dense = x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
        double total = 0;
        for (double v : dense.data().getDoublesAt(dense.offset(), (int) dense.length())) {
            total += v;
        }
        return total;
    }

    /**
     * All values of x in C order, in one native copy (ND4J's toDoubleMatrix copies row by row, one
     * op per row).
     */
    public static double[] values(INDArray x) {
        INDArray dense = x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
        return dense.data().getDoublesAt(dense.offset(), (int) dense.length());
    }

    /** x v as [R, 1] for a length-K vector v, by BLAS gemv where x is a plain C-order matrix. */
    public static INDArray rowDot(INDArray x, INDArray v) {
        if (x.ordering() != 'c' || x.isView()) {
            return x.mmul(v.reshape(v.length(), 1));
        }
        INDArray vector = v.rank() == 1 && !v.isView() ? v
                : Nd4j.createUninitialized(v.dataType(), v.length()).assign(v.reshape(v.length()));
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0));
        Nd4j.getBlasWrapper().level2().gemv('c', 'N', 1.0, x, vector, 0.0, out);
        return out.reshape(x.size(0), 1);
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
