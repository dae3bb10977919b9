package org.dl4jlosses.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
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
 * <p><b>Sub-centers</b> (Deng et al. 2020, "Sub-center ArcFace"): with {@code subCenters} k &gt; 1
 * each class has k centres, weights {@code W [nIn, nOut k]} with column {@code j k + s} for
 * sub-center s of class j (insightface's layout), and the pre-output of class j is the largest of
 * its k cosines. A noisy sample then pulls only the sub-center nearest to it, so clean samples
 * gather on one dominant sub-center. Any loss over cosines works unchanged on the pooled ones; the
 * gradient goes to the sub-center that gave the maximum (the first of equal ones, as
 * {@code torch.max}). Default 1 (one centre per class: the plain layer).
 *
 * <p>Usable in {@code NeuralNetConfiguration.list()} and {@code ComputationGraph}; serialised by
 * DL4J's JSON/YAML and {@code ModelSerializer} like a built-in layer. Any loss may be set (the
 * builder's constructor or {@code lossFunction(...)}); {@code hasBias(true)} is rejected.
 */
public class CosineOutputLayer extends BiasFreeOutputLayer {
    private static final long serialVersionUID = 1L;

    /** Centres per class; absent from configurations saved before it existed, which read as 1. */
    private int subCenters = 1;

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
        subCenters = builder.subCenters;
        initializeConstraints(builder);
    }

    /** {@return the number of centres per class (1: the plain layer)} */
    public int getSubCenters() {
        return subCenters;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return wire(new CosineOutputLayerImpl(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }

    /** The weights W [nIn, nOut x subCenters]; no bias (hasBias is false). */
    @Override
    public ParamInitializer initializer() {
        return CosineParamInitializer.getInstance();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((CosineOutputLayer) o).subCenters == subCenters;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + subCenters;
    }

    @Override
    public CosineOutputLayer clone() {
        return (CosineOutputLayer) super.clone();
    }

    /** Builder: nIn (the embedding size) and nOut (the number of classes) must be set. */
    public static class Builder extends BiasFreeOutputLayer.Builder<Builder> {
        private int subCenters = 1;

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

        /**
         * Centres per class k: the weights get k columns per class and a class's pre-output is the
         * largest of its k cosines (sub-center ArcFace; insightface uses 3). Default 1; at least 1.
         *
         * @param subCenters the number of centres per class
         * @return this builder
         */
        public Builder subCenters(int subCenters) {
            if (subCenters < 1) {
                throw new IllegalArgumentException("CosineOutputLayer: subCenters must be at least 1, got " + subCenters);
            }
            this.subCenters = subCenters;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public CosineOutputLayer build() {
            return new CosineOutputLayer(this);
        }
    }
}
