package org.dl4jlosses.internal;

/**
 * A {@link FloatKernel} for losses that are a mean of per-element terms:
 * {@code loss_row = 1/K sum_k w_k m_k l(z_k, y_k)} with column weights {@code w} and element mask
 * {@code m}. A subclass writes only {@code l} and {@code dl/dz} for each element of the row; the
 * weights, the mask and the 1/K are applied here, as {@link BaseLoss} does on the op path.
 */
public abstract class ElementKernel implements FloatKernel {
    private final float[] weights;

    /** {@code weights}: one per column, or null for none (already checked to fit the batch). */
    protected ElementKernel(double[] weights) {
        this.weights = Lanes.toFloat(weights);
    }

    /**
     * Writes each element's term to {@code loss[k]} (when not null) and its derivative with
     * respect to {@code z_k} to {@code gradient[k]} (when not null), for k in [0, K).
     */
    protected abstract void elements(FloatRow row, float[] loss, float[] gradient);

    @Override
    public final double loss(FloatRow row) {
        int k = row.columns;
        float[] loss = row.wantLoss ? row.scratch : null;
        elements(row, loss, row.gradient);
        float[] scale = null;
        if (weights != null || row.elementMask != null) {
            // s_k = w_k m_k / K, one factor per element.
            scale = row.scale;
            for (int c = 0; c < k; c++) {
                scale[c] = (weights == null ? 1f : weights[c]) * (row.elementMask == null ? 1f : row.elementMask[c]) / k;
            }
        }
        return Lanes.weighElements(loss, row.gradient, 1f / k, scale, k);
    }
}
