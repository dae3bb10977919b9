package org.dl4jlosses.segmentation;

import static org.dl4jlosses.internal.Checks.require;

import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Units;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The options, pixel layout and formula that the overlap losses of segmentation ({@link DiceLoss},
 * {@link TverskyLoss}, {@link GeneralizedDiceLoss}) share: rows are pixels, columns classes, each image's per-class overlap
 * index computed from sums over its pixels ({@code OverlapFormula}).
 */
public abstract class OverlapLoss extends CoupledLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code smooth}: see {@link Builder#smooth(double)}. */
    @Option(min = 0)
    double smooth = 1.0;
    /** Option {@code includeBackground}: see {@link Builder#includeBackground(boolean)}. */
    @Option
    boolean includeBackground = true;
    /** Option {@code weights}: see {@link Builder#weights(double...)}. */
    @Option(min = 0)
    double[] weights;
    /** Option {@code rowsPerSample}: see {@link Builder#rowsPerSample(int)}. */
    @Option(min = 0, expected = ">= 0 (0 = all rows form one group)")
    int rowsPerSample = 0;

    OverlapLoss() {
    }

    /**
     * The index's coefficients {@code a, b, u, v} and exponent {@code e} (see {@code OverlapFormula}).
     *
     * @return {a, b, u, v, e}
     */
    abstract double[] index();

    /** Whether the sums of p and y are of their squares (Dice's {@code squaredDenominator}). */
    boolean squaredSums() {
        return false;
    }

    /**
     * For a generalized index, the power k of the class weights {@code Y_c^-k} that pool the classes
     * into one index per image; negative (the default) for one index per class.
     */
    double volumePower() {
        return -1;
    }

    /** The overlap term's weight, when the loss adds another term to it (default 1). */
    double overlapScale() {
        return 1;
    }

    @Override
    protected Units units(INDArray preOutput) {
        require(rowsPerSample == 0 || preOutput.size(0) % rowsPerSample == 0, name(), "preOutput",
                "a multiple of rowsPerSample = " + rowsPerSample + " rows (whole images)",
                preOutput.size(0) + " rows");
        return Units.rows();
    }

    @Override
    protected long examples(long rows) {
        return rowsPerSample == 0 ? rows : rows / rowsPerSample;
    }

    @Override
    protected FormulaSetup coupledFormula(IActivation activation) {
        OverlapFormula.Fused fused = activation instanceof ActivationSoftmax ? OverlapFormula.Fused.SOFTMAX
                : activation instanceof ActivationSigmoid ? OverlapFormula.Fused.SIGMOID : OverlapFormula.Fused.NONE;
        return new FormulaSetup(OverlapFormula.class, name(), fused, smooth, squaredSums(), includeBackground,
                weights == null ? null : weights.clone(), overlapScale(), rowsPerSample, index(), volumePower());
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return activation instanceof ActivationSoftmax ? LabelKind.CLASSES : LabelKind.CHANNELS;
    }

    /** {@return the option {@code smooth}} */
    public double getSmooth() {
        return smooth;
    }

    /** {@return the option {@code includeBackground}} */
    public boolean isIncludeBackground() {
        return includeBackground;
    }

    /** {@return a copy of the option {@code weights}, or null for none} */
    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    /** {@return the option {@code rowsPerSample}} */
    public int getRowsPerSample() {
        return rowsPerSample;
    }

    /**
     * The setters of the shared options.
     *
     * @param <L> the loss
     * @param <B> the loss's builder
     */
    public abstract static class Builder<L extends OverlapLoss, B extends Builder<L, B>> extends LossBuilder<L, B> {
        Builder(L draft) {
            super(draft);
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * Added to the numerator and the denominator of every index: it keeps a class absent from both
         * prediction and labels at index 1 (no loss) instead of 0/0. With 0, such a class is rejected as
         * undefined, as is any empty denominator. Default 1.0 (1e-5, MONAI's, for
         * {@link GeneralizedDiceLoss}); finite and &gt;= 0.
         *
         * @param smooth the option {@code smooth}
         * @return this builder
         */
        public B smooth(double smooth) {
            draft.smooth = smooth;
            return self();
        }

        /**
         * Whether column 0 (the background) counts; false leaves it out of the mean over classes
         * (ignored, as in MONAI, when there is a single column). Default true.
         *
         * @param includeBackground the option {@code includeBackground}
         * @return this builder
         */
        public B includeBackground(boolean includeBackground) {
            draft.includeBackground = includeBackground;
            return self();
        }

        /**
         * A weight per column, multiplying that class's loss, one entry per column of
         * {@code preOutput}, its length checked on every call; with {@code includeBackground = false}
         * column 0's entry is unused. Default none (every weight 1); finite and &gt;= 0 in every entry.
         *
         * @param weights the option {@code weights}
         * @return this builder
         */
        public B weights(double... weights) {
            draft.weights = weights;
            return self();
        }

        /**
         * Rows per image: each P consecutive rows form one image ({@code P = H x W} for
         * {@code CnnLossLayer}), and the row count must be a multiple of P; 0 makes all rows one group
         * (MONAI's batch mode). Default 0; &gt;= 0.
         *
         * @param rowsPerSample the option {@code rowsPerSample}
         * @return this builder
         */
        public B rowsPerSample(int rowsPerSample) {
            draft.rowsPerSample = rowsPerSample;
            return self();
        }
    }
}
