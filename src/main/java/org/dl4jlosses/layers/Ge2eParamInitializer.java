package org.dl4jlosses.layers;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.dl4jlosses.embedding.Ge2eLoss;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The two scalar parameters of {@link Ge2eOutputLayer}: {@code "w"} and {@code "b"}, initialised
 * from the layer's {@link Ge2eLoss} (10 and -5 by default). They are neither weights nor biases
 * for DL4J's regularisation (the paper does not regularise them), so L1/L2/weight decay leave
 * them alone; the layer's updater trains them.
 */
public final class Ge2eParamInitializer implements ParamInitializer {
    /** The key of the scale parameter w. */
    public static final String W_KEY = "w";
    /** The key of the offset parameter b. */
    public static final String B_KEY = "b";
    private static final Ge2eParamInitializer INSTANCE = new Ge2eParamInitializer();

    private Ge2eParamInitializer() {
    }

    /** {@return the one instance} */
    public static Ge2eParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return 2;
    }

    @Override
    public long numParams(Layer layer) {
        return 2;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return Arrays.asList(W_KEY, B_KEY);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return false;
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> params = views(paramsView);
        if (initializeParams) {
            Ge2eLoss loss = ((Ge2eOutputLayer) conf.getLayer()).ge2eLoss();
            params.get(W_KEY).assign(loss.getW());
            params.get(B_KEY).assign(loss.getB());
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(gradientView);
    }

    private static Map<String, INDArray> views(INDArray flat) {
        if (flat.length() != 2) {
            throw new IllegalArgumentException("Ge2eOutputLayer: parameters must be 2 values (w, b), got " + flat.length());
        }
        INDArray row = flat.reshape(1, 2);
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put(W_KEY, row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(0, 1)));
        params.put(B_KEY, row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(1, 2)));
        return params;
    }
}
