package org.dl4jlosses.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * L2 normalisation of the rows of ND4J arrays ({@code F.normalize}) and its backward pass, for the
 * layers that work on unit vectors ({@code CosineOutputLayer}, {@code Ge2eOutputLayer}). Every
 * method returns new arrays.
 */
public final class UnitRows {
    /** Norms below this are treated as this, so a zero row stays finite (PyTorch's F.normalize uses 1e-12). */
    public static final double NORM_EPS = LaneMath.NORM_EPS;

    /** Columns of ones by data type and length, kept outside any workspace. */
    private static final Map<String, INDArray> ONES = new ConcurrentHashMap<>();

    private UnitRows() {
    }

    /** Row norms [n, 1]. */
    public static INDArray norms(INDArray a) {
        return Transforms.sqrt(rowSums(a.mul(a)), false);
    }

    /** a / max(|a|, 1e-12) row by row, given {@code norms = norms(a)}. */
    public static INDArray unitRows(INDArray a, INDArray norms) {
        return a.divColumnVector(Transforms.max(norms, NORM_EPS, true));
    }

    /**
     * The gradient with respect to a of a loss whose gradient with respect to
     * {@code u = a / max(|a|, eps)} is g: {@code (g - u (u . g)) / |a|} (rows whose norm is below
     * eps are scaled, not normalised, so for them it is {@code g / eps}).
     */
    public static INDArray unitRowsBackward(INDArray u, INDArray norms, INDArray g) {
        INDArray clamped = Transforms.max(norms, NORM_EPS, true);
        INDArray radial = u.mulColumnVector(rowSums(u.mul(g)));
        // Where the norm was clamped, u = a / eps is not a unit vector and the map is linear.
        INDArray normalised = norms.gte(NORM_EPS).castTo(g.dataType());
        return g.sub(radial.muliColumnVector(normalised)).diviColumnVector(clamped);
    }

    /** Row sums [R, 1] by one product with a column of ones: several times faster than ND4J's dimension reduction. */
    private static INDArray rowSums(INDArray x) {
        DataType type = x.dataType();
        long n = x.size(1);
        INDArray ones = ONES.computeIfAbsent(type + ":" + n, key -> {
            try (MemoryWorkspace detached = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.ones(type, n, 1);
            }
        });
        return x.mmul(ones);
    }
}
