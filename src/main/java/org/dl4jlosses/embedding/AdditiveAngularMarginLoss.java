package org.dl4jlosses.embedding;

import static org.dl4jlosses.internal.Checks.fail;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Batch;
import org.dl4jlosses.internal.FloatKernel;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Pairwise;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * ArcFace, the additive angular margin loss (Deng et al., arXiv 1801.07698): cross-entropy over
 * the scaled cosines between an embedding and every class centre, with an angular margin added to
 * the target class's angle.
 *
 * <p>The activation's output {@code a [N, C]} holds the cosines {@code cos theta_j} (the
 * pre-output of {@link org.dl4jlosses.layers.CosineOutputLayer}). For row i with class y:
 * <pre>
 *   logit_j = s cos theta_j              (j != y)
 *   logit_y = s phi(cos theta_y)
 *   phi(c)  = cos(theta + m) = c cos m - sqrt(1 - c^2) sin m    if c &gt; cos(pi - m)
 *           = c - m sin(pi - m)                                  otherwise (the fallback)
 *   loss_i  = logsumexp(logit) - logit_y
 * </pre>
 * With {@code easyMargin}, {@code phi = cos(theta + m)} only where {@code c > 0}, and
 * {@code phi = c} elsewhere. The fallback keeps phi decreasing in theta once theta + m would pass pi.
 *
 * <p>Reference: insightface's {@code ArcFace} ({@code recognition/arcface_torch/losses.py}: the
 * {@code cos_m}, {@code sin_m}, {@code theta = cos(pi - m)}, {@code sinmm = sin(pi - m) m} form)
 * followed by {@code F.cross_entropy}, mean over rows.
 *
 * <p>Gradient: {@code dL/dc_j = s (p_j - y_j)}, times {@code dphi/dc} on the target column, where
 * {@code dphi/dc = cos m + sin m c / sin theta} on the margin branch and 1 on the fallback. At
 * {@code c = +-1} (sin theta = 0) the exact derivative is unbounded (the reference gives inf/NaN
 * there): this loss floors {@code sin theta} at 1e-6 in the derivative, so score and gradient stay
 * finite. In {@link org.dl4jlosses.layers.CosineOutputLayer} the cosine's own derivative with
 * respect to the layer's input and weights vanishes at {@code c = +-1}, so the layer's gradient is
 * finite and exact there.
 *
 * <p>Cosines: values outside [-1, 1] by more than a rounding tolerance (1e-5 in float32, 1e-12 in
 * float64, 1e-2 in 16-bit types) are rejected with an {@link IllegalArgumentException}, as is NaN;
 * values within the tolerance are clamped to [-1, 1] and the clamp is treated as the identity in
 * the gradient. Rows a row mask removes are not range-checked (they must still be finite).
 *
 * <p>Activation: the activation's output is read as the cosines, and the gradient goes through
 * {@code activationFn.backprop}. Identity is the intended one (with {@code CosineOutputLayer});
 * a bounded activation such as tanh turns an ordinary layer's pre-output into values in (-1, 1)
 * that are then used as cosines; an activation whose output leaves [-1, 1] is rejected per call.
 *
 * <p>Options: {@code scale} s (default 64.0, finite and &gt; 0): the logits' scale.
 * {@code margin} m (default 0.5 radians, in [0, pi)): the additive angular margin; 0 gives plain
 * normalised-softmax cross-entropy. {@code easyMargin} (default false): apply the margin only
 * where the target cosine is positive, instead of the fallback.
 * Labels: one-hot rows {@code [N, C]} or class indices {@code [N, 1]}, exactly one class per row;
 * row masks only.
 */
@JsonDeserialize(builder = AdditiveAngularMarginLoss.Builder.class)
public final class AdditiveAngularMarginLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "AdditiveAngularMarginLoss";
    /** sin theta is floored at this in the derivative dphi/dc, which is unbounded at c = +-1. */
    static final double SIN_FLOOR = 1e-6;

    /** Option {@code scale}: see {@link Builder#scale(double)}. */
    @Option(min = 0, minExclusive = true)
    private double scale = 64.0;
    /** Option {@code margin}: see {@link Builder#margin(double)}. */
    @Option(min = 0, max = Math.PI, maxExclusive = true, expected = "in [0, pi) radians")
    private double margin = 0.5;
    /** Option {@code easyMargin}: see {@link Builder#easyMargin(boolean)}. */
    @Option
    private boolean easyMargin;

    /** The defaults: scale 64, margin 0.5, no easy margin. */
    public AdditiveAngularMarginLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Terms evaluate(Batch batch, Need need) {
        INDArray cosines = cosines(batch);
        INDArray y = batch.labels();
        INDArray target = Ops.rowSums(cosines.mul(y));
        INDArray sine = Transforms.sqrt(Transforms.relu(target.mul(target).rsubi(1), false), false);
        // 1 where the margin branch applies, 0 on the fallback (or, with easyMargin, where c <= 0).
        INDArray onMargin = target.gt(easyMargin ? 0.0 : Math.cos(Math.PI - margin)).castTo(batch.dataType());
        INDArray shifted = target.mul(Math.cos(margin)).subi(sine.mul(Math.sin(margin)));
        INDArray fallback = easyMargin ? target : target.sub(Math.sin(Math.PI - margin) * margin);
        INDArray phi = shifted.subi(fallback).muli(onMargin).addi(fallback);

        // logits = s c, with the target column's s c replaced by s phi.
        INDArray logits = cosines.add(y.mulColumnVector(phi.sub(target))).muli(scale);
        INDArray[] ce = Pairwise.crossEntropy(logits, y, need.score(), need.gradient());
        INDArray dLdc = null;
        if (need.gradient()) {
            INDArray slope = target.mul(Math.sin(margin)).divi(Transforms.max(sine, SIN_FLOOR, true))
                    .addi(Math.cos(margin) - 1).muli(onMargin); // dphi/dc - 1
            INDArray grad = ce[1];
            dLdc = grad.addi(grad.mul(y).muliColumnVector(slope)).muli(scale);
        }
        return Terms.perRow(ce[0], dLdc);
    }

    /** The activation's output as cosines: finite, in [-1, 1] up to rounding (then clamped). */
    private static INDArray cosines(Batch batch) {
        INDArray a = batch.output();
        INDArray checked = batch.rowMask() == null ? a : a.mulColumnVector(batch.rowMask());
        double max = Ops.maxAbs(checked);
        double tolerance = tolerance(batch.dataType());
        if (!(max <= 1 + tolerance)) {
            throw fail(NAME, "cosines (the activation's output)", "finite and in [-1, 1] (tolerance " + tolerance
                    + "; use CosineOutputLayer, or a bounded activation such as tanh)", describe(checked, max));
        }
        return max > 1 ? Ops.clip(a, -1, 1) : a;
    }

    private static double tolerance(DataType type) {
        switch (type) {
            case DOUBLE:
                return 1e-12;
            case FLOAT:
                return 1e-5;
            default:
                return 1e-2;
        }
    }

    private static String describe(INDArray checked, double max) {
        if (Double.isNaN(max)) {
            return "NaN or an infinite value";
        }
        double[][] values = checked.toDoubleMatrix();
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < values[i].length; j++) {
                if (Math.abs(values[i][j]) == max) {
                    return values[i][j] + " at row " + i + ", column " + j;
                }
            }
        }
        return String.valueOf(max);
    }

    @Override
    protected FloatKernel floatKernel(IActivation activation, int columns) {
        return activation instanceof ActivationIdentity ? new ArcFaceKernel(scale, margin, easyMargin) : null;
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.ONE_CLASS;
    }

    /** {@return the option {@code scale}} */
    public double getScale() {
        return scale;
    }

    /** {@return the option {@code margin}} */
    public double getMargin() {
        return margin;
    }

    /** {@return the option {@code easyMargin}} */
    public boolean isEasyMargin() {
        return easyMargin;
    }

    /** Builder for {@link AdditiveAngularMarginLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<AdditiveAngularMarginLoss, Builder> {
        Builder() {
            super(new AdditiveAngularMarginLoss());
        }

        /**
         * The logits' scale s: every cosine (the target's with its margin) is multiplied by it before
         * the softmax. Default 64.0; finite and &gt; 0.
         *
         * @param scale the option {@code scale}
         * @return this builder
         */
        public Builder scale(double scale) {
            draft.scale = scale;
            return this;
        }

        /**
         * The additive angular margin m, in radians, added to the angle between an embedding and its
         * own class centre; 0 gives plain normalised-softmax cross-entropy. Default 0.5; in [0, pi).
         *
         * @param margin the option {@code margin}
         * @return this builder
         */
        public Builder margin(double margin) {
            draft.margin = margin;
            return this;
        }

        /**
         * Apply the margin only where the target cosine is positive ({@code phi = cos theta} elsewhere)
         * instead of the fallback {@code cos theta - m sin(pi - m)} once {@code theta + m} would pass
         * pi. Default false.
         *
         * @param easyMargin the option {@code easyMargin}
         * @return this builder
         */
        public Builder easyMargin(boolean easyMargin) {
            draft.easyMargin = easyMargin;
            return this;
        }
    }
}
