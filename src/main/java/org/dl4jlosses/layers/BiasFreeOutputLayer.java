package org.dl4jlosses.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * What this library's output layers share: no bias, an identity activation by default, equality
 * by class and DL4J's configuration fields (a subclass with fields of its own adds them), and the usual
 * wiring of a layer implementation to its parameters.
 */
public abstract class BiasFreeOutputLayer extends BaseOutputLayer {
    private static final long serialVersionUID = 1L;

    /** For Jackson and Java serialisation. */
    protected BiasFreeOutputLayer() {
        setHasBias(false);
    }

    /**
     * The layer the builder describes.
     *
     * @param builder the builder
     */
    protected BiasFreeOutputLayer(Builder<?> builder) {
        super(builder);
    }

    /**
     * Checks nIn, nOut and that there is no bias, then gives {@code layer} its listeners, index, parameter view (its
     * parameters initialised by {@link #initializer()}) and configuration.
     *
     * @param <L> the layer implementation's type
     * @param layer the layer implementation
     * @param conf the layer's configuration
     * @param listeners the training listeners
     * @param layerIndex the layer's index in the network
     * @param layerParamsView the layer's view of the network's parameter array
     * @param initializeParams whether to initialise the parameters
     * @return {@code layer}, wired
     */
    protected <L extends Layer> L wire(L layer, NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                       int layerIndex, INDArray layerParamsView, boolean initializeParams) {
        LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), layerIndex, getNIn(), getNOut());
        if (hasBias()) {
            // Only a hand-edited configuration gets here: the builder rejects hasBias(true).
            throw new IllegalArgumentException(getClass().getSimpleName()
                    + ": hasBias must be false (the layer has no bias), got true");
        }
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + getClass().getName().hashCode();
    }

    @Override
    protected boolean canEqual(Object other) {
        return other != null && other.getClass() == getClass();
    }

    /**
     * The builders' common part: the loss given, identity activation, and {@code hasBias(true)}
     * rejected.
     */
    public abstract static class Builder<T extends Builder<T>> extends BaseOutputLayer.Builder<T> {
        private final String layer;

        /**
         * A builder with this loss, the identity activation and no bias.
         *
         * @param layer the layer's class name, for error messages
         * @param lossFunction the loss
         */
        protected Builder(String layer, ILossFunction lossFunction) {
            this.layer = layer;
            setLossFn(lossFunction);
            setActivationFn(new ActivationIdentity());
            setHasBias(false);
        }

        /** Only false is accepted: the layer has no bias. */
        @Override
        public T hasBias(boolean hasBias) {
            if (hasBias) {
                throw new IllegalArgumentException(layer + ": hasBias must be false (the layer has no bias), got true");
            }
            return super.hasBias(false);
        }
    }
}
