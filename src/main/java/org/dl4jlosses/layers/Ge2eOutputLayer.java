package org.dl4jlosses.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.dl4jlosses.embedding.Ge2eLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The output layer of GE2E training (Wan et al., arXiv 1710.10467): its input is the utterance
 * embedding {@code [N, D]}, its labels are speaker ids ({@code [N, 1]} or one-hot), and it holds
 * the similarity's scale and offset as two trainable parameters {@code "w"} and {@code "b"}, which
 * {@link Ge2eLoss} then uses in {@code S = w cos + b}.
 *
 * <p>The loss ({@code new Ge2eLoss()} by default, or one given to the builder) fixes the variant
 * (SOFTMAX or CONTRAST) and the initial values of w and b (10 and -5 by default, as in the paper);
 * from then on DL4J's updater trains them with the layer's updater, by the hand-derived
 * {@code dL/dw = sum dL/dS . cos} and {@code dL/db = sum dL/dS}. They are not regularised.
 *
 * <p>w is kept positive as the paper does, by clamping: after every update (DL4J's constraint
 * step, which runs after the updater in {@code MultiLayerNetwork} and {@code ComputationGraph})
 * w is raised to at least {@link #MIN_W} = 1e-6. The parameter is w itself, so any updater works
 * and gradient checks see the plain derivative.
 *
 * <p>The activation (identity by default) is applied to the input and its output is the
 * embedding the loss sees. For inference, the layer outputs that embedding L2-normalised (the
 * d-vector), {@code [N, D]}: nOut equals nIn. Usable in {@code NeuralNetConfiguration.list()} and
 * {@code ComputationGraph}, serialised by DL4J's JSON/YAML and {@code ModelSerializer}.
 */
public class Ge2eOutputLayer extends BiasFreeOutputLayer {
    private static final long serialVersionUID = 1L;
    /** The smallest w: the clamp applied after every update. */
    public static final double MIN_W = 1e-6;

    /** For Jackson and Java serialisation; use {@link Builder}. */
    public Ge2eOutputLayer() {
    }

    /**
     * The layer the builder describes; its loss must be a {@link Ge2eLoss} and nOut equal nIn.
     *
     * @param builder the builder
     */
    protected Ge2eOutputLayer(Builder builder) {
        super(builder);
        if (!(lossFn instanceof Ge2eLoss)) {
            throw new IllegalArgumentException("Ge2eOutputLayer: lossFunction must be a Ge2eLoss, got "
                    + (lossFn == null ? "null" : lossFn.getClass().getName()));
        }
        if (nOut == 0) {
            nOut = nIn;
        }
        if (nIn != nOut) {
            throw new IllegalArgumentException("Ge2eOutputLayer: nOut must be equal to nIn (the embedding size "
                    + nIn + "; the output is the normalised embedding), got " + nOut);
        }
        initializeConstraints(builder);
    }

    /** {@return the layer's loss: its variant, and w and b's initial values} */
    public Ge2eLoss ge2eLoss() {
        if (!(lossFn instanceof Ge2eLoss)) {
            throw new IllegalArgumentException("Ge2eOutputLayer: lossFunction must be a Ge2eLoss, got "
                    + (lossFn == null ? "null" : lossFn.getClass().getName()));
        }
        return (Ge2eLoss) lossFn;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        ge2eLoss();
        return wire(new Ge2eOutputLayerImpl(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return Ge2eParamInitializer.getInstance();
    }

    /** nIn from the previous layer, and nOut = nIn (the output is the embedding). */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        if (nOut <= 0 || override) {
            nOut = nIn;
        }
    }

    @Override
    public Ge2eOutputLayer clone() {
        return (Ge2eOutputLayer) super.clone();
    }

    /**
     * Builder: set nIn (the embedding size; nOut follows), or let DL4J infer it from an InputType.
     * A loss set later with {@code lossFunction(...)} must be a {@link Ge2eLoss} (checked at build()).
     */
    public static class Builder extends BiasFreeOutputLayer.Builder<Builder> {
        /** SOFTMAX GE2E with w = 10, b = -5 to start from; identity activation. */
        public Builder() {
            this(new Ge2eLoss());
        }

        /**
         * The given GE2E loss: its variant, and its w and b as the parameters' initial values.
         *
         * @param loss the GE2E loss
         */
        public Builder(Ge2eLoss loss) {
            super("Ge2eOutputLayer", loss);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Ge2eOutputLayer build() {
            return new Ge2eOutputLayer(this);
        }
    }
}
