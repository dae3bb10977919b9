package org.dl4jlosses.layers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weights of {@link CosineOutputLayer}: {@code "W" [nIn, nOut x subCenters]}, one column per
 * sub-center, laid out and initialised as DL4J's {@link DefaultParamInitializer} lays out a dense
 * layer's weights (so with one sub-center, the default, a saved layer's parameters read the same).
 */
public final class CosineParamInitializer implements ParamInitializer {
    private static final CosineParamInitializer INSTANCE = new CosineParamInitializer();

    private CosineParamInitializer() {
    }

    /** {@return the one instance} */
    public static CosineParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        CosineOutputLayer cosine = (CosineOutputLayer) layer;
        return cosine.getNIn() * columns(cosine);
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return Collections.singletonList(DefaultParamInitializer.WEIGHT_KEY);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return paramKeys(layer);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return DefaultParamInitializer.WEIGHT_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        CosineOutputLayer layer = (CosineOutputLayer) conf.getLayer();
        long nIn = layer.getNIn();
        long columns = columns(layer);
        INDArray weights = initializeParams
                ? layer.getWeightInitFn().init(nIn, columns, new long[] {nIn, columns}, 'f', flat(paramsView, nIn * columns))
                : weights(paramsView, layer);
        conf.addVariable(DefaultParamInitializer.WEIGHT_KEY);
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put(DefaultParamInitializer.WEIGHT_KEY, weights);
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        gradients.put(DefaultParamInitializer.WEIGHT_KEY, weights(gradientView, (CosineOutputLayer) conf.getLayer()));
        return gradients;
    }

    private static long columns(CosineOutputLayer layer) {
        if (layer.getSubCenters() < 1) {
            // Only a hand-edited configuration gets here: the builder rejects it.
            throw new IllegalArgumentException("CosineOutputLayer: subCenters must be at least 1, got " + layer.getSubCenters());
        }
        return layer.getNOut() * layer.getSubCenters();
    }

    private static INDArray flat(INDArray view, long length) {
        if (view.length() != length) {
            throw new IllegalArgumentException("CosineOutputLayer: parameters must be nIn x nOut x subCenters = " + length
                    + " values, got " + view.length());
        }
        return view.reshape(length);
    }

    private static INDArray weights(INDArray view, CosineOutputLayer layer) {
        long columns = columns(layer);
        return flat(view, layer.getNIn() * columns).reshape('f', layer.getNIn(), columns);
    }
}
