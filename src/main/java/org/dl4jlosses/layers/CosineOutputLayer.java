package org.dl4jlosses.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.dl4jlosses.embedding.AdditiveAngularMarginLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * An output layer whose pre-output is the cosine between each input row and each class centre:
 * {@code z_ij = (x_i / |x_i|) . (W_:j / |W_:j|)}, with weights {@code W [nIn, nOut]} (one column
 * per class, initialised by the layer's weight initialisation) and no bias. This is how ArcFace
 * trains: the loss defaults to {@code new AdditiveAngularMarginLoss()} and the activation to
 * identity, so the loss sees the cosines themselves.
 *
 * <p>Norms below 1e-12 are clamped (a zero input row gives cosines 0, as
 * {@code torch.nn.functional.normalize} does), and cosines are clamped to [-1, 1] against rounding;
 * the backward pass treats that clamp as the identity. The gradient goes by hand through both
 * normalisations: for {@code u = x / |x|}, {@code dL/dx = (g - u (u . g)) / |x|}, and likewise for
 * every column of W. Dropout and weight noise apply as in DL4J's {@code OutputLayer}.
 *
 * <p>Usable in {@code NeuralNetConfiguration.list()} and {@code ComputationGraph}; serialised by
 * DL4J's JSON/YAML and {@code ModelSerializer} like a built-in layer. Any loss may be set (the
 * builder's constructor or {@code lossFunction(...)}); {@code hasBias(true)} is rejected.
 */
public class CosineOutputLayer extends BiasFreeOutputLayer {
    private static final long serialVersionUID = 1L;

    /** For Jackson and Java serialisation; use {@link Builder}. */
    public CosineOutputLayer() {
    }

    /**
     * The layer the builder describes.
     *
     * @param builder the builder
     */
    protected CosineOutputLayer(Builder builder) {
        super(builder);
        initializeConstraints(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return wire(new CosineOutputLayerImpl(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    /** The weights W [nIn, nOut]; no bias (hasBias is false). */
    @Override
    public ParamInitializer initializer() {
        return DefaultParamInitializer.getInstance();
    }

    @Override
    public CosineOutputLayer clone() {
        return (CosineOutputLayer) super.clone();
    }

    /** Builder: nIn (the embedding size) and nOut (the number of classes) must be set. */
    public static class Builder extends BiasFreeOutputLayer.Builder<Builder> {
        /** The loss defaults to {@code new AdditiveAngularMarginLoss()}, the activation to identity. */
        public Builder() {
            this(new AdditiveAngularMarginLoss());
        }

        /**
         * Another loss over the cosines (the activation still defaults to identity).
         *
         * @param lossFunction the loss
         */
        public Builder(ILossFunction lossFunction) {
            super("CosineOutputLayer", lossFunction);
        }

        @Override
        @SuppressWarnings("unchecked")
        public CosineOutputLayer build() {
            return new CosineOutputLayer(this);
        }
    }
}
