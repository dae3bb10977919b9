package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.Option;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * CosFace (AM-Softmax), the additive cosine margin loss: cross-entropy over the scaled cosines
 * between an embedding and every class centre, with a margin subtracted from the target's cosine:
 * {@code logit_y = s (cos theta_y - m)}, {@code logit_j = s cos theta_j}, and
 * {@code dL/dc_j = s (p_j - y_j)}. Unlike ArcFace's angular margin it needs no fallback: the target
 * logit is the cosine shifted, everywhere.
 *
 * <p>Reference: Wang et al. (2018), "CosFace: Large Margin Cosine Loss for Deep Face Recognition";
 * Wang et al. (2018), "Additive Margin Softmax for Face Verification"; insightface's
 * {@code CosFace} ({@code recognition/arcface_torch/losses.py}) followed by {@code F.cross_entropy},
 * mean over rows. It is {@link CombinedMarginLoss} at {@code (1, 0, m)} (the same formula).
 *
 * <p>Cosines, activation, labels and masks are as in {@link AdditiveAngularMarginLoss}. Options:
 * {@code scale} s (default 64.0, &gt; 0); {@code margin} m (default 0.35, &gt;= 0).
 */
@JsonDeserialize(builder = AdditiveCosineMarginLoss.Builder.class)
public final class AdditiveCosineMarginLoss extends CosineMarginLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code margin}: see {@link Builder#margin(double)}. */
    @Option(min = 0)
    private double margin = 0.35;

    /** The defaults: scale 64, margin 0.35. */
    public AdditiveCosineMarginLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    double[] margins() {
        return new double[] {1, 0, margin};
    }

    /** {@return the option {@code margin}} */
    public double getMargin() {
        return margin;
    }

    /** Builder for {@link AdditiveCosineMarginLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends CosineMarginLoss.Builder<AdditiveCosineMarginLoss, Builder> {
        Builder() {
            super(new AdditiveCosineMarginLoss());
        }

        /**
         * The cosine margin m subtracted from the target's cosine. Default 0.35 (the paper's); finite
         * and &gt;= 0.
         *
         * @param margin the option {@code margin}
         * @return this builder
         */
        public Builder margin(double margin) {
            draft.margin = margin;
            return this;
        }
    }
}
