package org.dl4jlosses.classification;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Batch;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.FloatKernel;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Multi-class cross-entropy: {@code loss_row = -sum_c w_c y'_c log p_c} with label smoothing
 * {@code y' = (1 - e) y + e / C}.
 *
 * <p>With a softmax activation the loss works from the logits: {@code log p = z - logsumexp(z)}
 * and {@code dL/dz = p sum_c w_c y'_c - w y'}, exact for logits of any magnitude. With another
 * activation {@code p} is its output clipped to [1e-7, 1 - 1e-7].
 *
 * <p>Reference: {@code torch.nn.functional.cross_entropy(z, y, weight=w, label_smoothing=e,
 * reduction='sum') / R} (note: not PyTorch's weighted 'mean', which divides by the summed weights).
 * Equals DL4J's {@code LossMCXENT} with clipping off, without its clipping.
 *
 * <p>Options: {@code weights} (default none): one non-negative weight per class.
 * {@code labelSmoothing} (default 0.0, in [0, 1]): mixes the labels with the uniform distribution.
 * Labels: one-hot or probability rows {@code [R, C]}, or class indices {@code [R, 1]}; row mask only.
 */
public final class CrossEntropyLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    @JsonProperty("weights")
    private final double[] weights;
    @JsonProperty("labelSmoothing")
    private final double labelSmoothing;

    /** The defaults: no weights, no label smoothing. */
    public CrossEntropyLoss() {
        this(null, null);
    }

    @JsonCreator
    private CrossEntropyLoss(@JsonProperty("weights") double[] weights,
                             @JsonProperty("labelSmoothing") Double labelSmoothing) {
        this.weights = Checks.weights("CrossEntropyLoss", "weights", weights);
        this.labelSmoothing = Checks.between("CrossEntropyLoss", "labelSmoothing",
                labelSmoothing == null ? 0.0 : labelSmoothing, 0, 1);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Terms evaluate(Batch batch, Need need) {
        if (batch.softmax()) {
            return SoftmaxFocal.evaluate(batch, need.score(), need.gradient(), weights, labelSmoothing, 0, 0);
        }
        INDArray mass = Ops.smooth(batch.labels(), labelSmoothing, batch.columns());
        if (weights != null) {
            mass = mass.mulRowVector(batch.row("weights", weights));
        }
        INDArray p = batch.clippedProbabilities();
        INDArray loss = need.score() ? Ops.rowSums(Transforms.log(p, true).muli(mass)).negi() : null;
        INDArray dLda = need.gradient() ? mass.div(p).negi() : null;
        return Terms.perRow(loss, dLda);
    }

    @Override
    protected FloatKernel floatKernel(IActivation activation, int columns) {
        boolean fits = weights == null || weights.length == columns;
        return activation instanceof ActivationSoftmax && fits ? new SoftmaxFocalKernel(weights, labelSmoothing, 0, 0) : null;
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.CLASSES;
    }

    /** Per-class weights, or null for none. */
    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    public double getLabelSmoothing() {
        return labelSmoothing;
    }

    @Override
    protected Map<String, Object> options() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("weights", weights);
        options.put("labelSmoothing", labelSmoothing);
        return options;
    }

    /** Builder for {@link CrossEntropyLoss}. */
    public static final class Builder {
        private double[] weights;
        private double labelSmoothing;

        /** One non-negative weight per class (default none). */
        public Builder weights(double... weights) {
            this.weights = weights;
            return this;
        }

        /** Label smoothing e in [0, 1] (default 0): y' = (1 - e) y + e / C. */
        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        public CrossEntropyLoss build() {
            return new CrossEntropyLoss(weights, labelSmoothing);
        }
    }
}
