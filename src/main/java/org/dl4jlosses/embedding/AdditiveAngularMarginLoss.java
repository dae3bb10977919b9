package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.Option;
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
 * <p>Computed by the row formula of the margin losses ({@code CosineMargin}, with {@code m1 = 1},
 * {@code m2 = m}, {@code m3 = 0}; see {@link CombinedMarginLoss}).
 *
 * <p>Gradient: {@code dL/dc_j = s (p_j - y_j)}, times {@code dphi/dc} on the target column, where
 * {@code dphi/dc = cos m + sin m c / sin theta} on the margin branch and 1 on the fallback. At
 * {@code c = +-1} (sin theta = 0) the exact derivative is unbounded (the reference gives inf/NaN
 * there): this loss floors {@code sin theta} at 1e-6 in the derivative, so score and gradient stay
 * finite. In {@link org.dl4jlosses.layers.CosineOutputLayer} the cosine's own derivative with
 * respect to the layer's input and weights vanishes at {@code c = +-1}, so the layer's gradient is
 * finite and exact there.
 *
 * <p>Cosines: values outside [-1, 1] by more than a rounding tolerance (1e-5 in float32 and the
 * 16-bit types, which are computed in float32; 1e-12 in float64) are rejected with an
 * {@link IllegalArgumentException}, as is NaN; values within the tolerance are clamped to [-1, 1]
 * and the clamp is treated as the identity in the gradient. Rows a row mask removes are not read.
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
public final class AdditiveAngularMarginLoss extends CosineMarginLoss {
    private static final long serialVersionUID = 1L;

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
    double[] margins() {
        return new double[] {1, margin, 0};
    }

    @Override
    boolean easyMargin() {
        return easyMargin;
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
    public static final class Builder extends CosineMarginLoss.Builder<AdditiveAngularMarginLoss, Builder> {
        Builder() {
            super(new AdditiveAngularMarginLoss());
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
