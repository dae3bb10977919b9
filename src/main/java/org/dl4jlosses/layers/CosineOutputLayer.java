package org.dl4jlosses.layers;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.dl4jlosses.embedding.AdditiveAngularMarginLoss;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
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
public class CosineOutputLayer extends BaseOutputLayer {
    private static final long serialVersionUID = 1L;

    /** For Jackson and Java serialisation; use {@link Builder}. */
    public CosineOutputLayer() {
        setHasBias(false);
    }

    protected CosineOutputLayer(Builder builder) {
        super(builder);
        initializeConstraints(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet("CosineOutputLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        if (hasBias()) {
            throw new IllegalArgumentException("CosineOutputLayer: hasBias must be false (the layer has no bias), got true");
        }
        CosineOutputLayerImpl layer = new CosineOutputLayerImpl(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /** The weights W [nIn, nOut]; no bias (hasBias is false). */
    @Override
    public ParamInitializer initializer() {
        return DefaultParamInitializer.getInstance();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CosineOutputLayer && o.getClass() == getClass() && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + getClass().getName().hashCode();
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof CosineOutputLayer;
    }

    @Override
    public CosineOutputLayer clone() {
        return (CosineOutputLayer) super.clone();
    }

    /** Builder: nIn (the embedding size) and nOut (the number of classes) must be set. */
    public static class Builder extends BaseOutputLayer.Builder<Builder> {
        /** The loss defaults to {@code new AdditiveAngularMarginLoss()}, the activation to identity. */
        public Builder() {
            this(new AdditiveAngularMarginLoss());
        }

        /** Another loss over the cosines (the activation still defaults to identity). */
        public Builder(ILossFunction lossFunction) {
            setLossFn(lossFunction);
            setActivationFn(new ActivationIdentity());
            setHasBias(false);
        }

        /** Only false is accepted: the layer has no bias. */
        @Override
        public Builder hasBias(boolean hasBias) {
            if (hasBias) {
                throw new IllegalArgumentException("CosineOutputLayer: hasBias must be false (the layer has no bias), got true");
            }
            return super.hasBias(false);
        }

        @Override
        @SuppressWarnings("unchecked")
        public CosineOutputLayer build() {
            return new CosineOutputLayer(this);
        }
    }
}
