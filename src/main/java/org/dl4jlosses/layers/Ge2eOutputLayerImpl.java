package org.dl4jlosses.layers;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.dl4jlosses.embedding.Ge2eLoss;
import org.dl4jlosses.internal.UnitRows;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The network-side implementation of {@link Ge2eOutputLayer}: GE2E with the layer's current w and
 * b, their gradients, and the clamp that keeps w positive.
 */
public class Ge2eOutputLayerImpl extends org.deeplearning4j.nn.layers.BaseOutputLayer<Ge2eOutputLayer> {
    private static final long serialVersionUID = 1L;

    /** The regularisation term of the last {@code computeScore} call, for {@code computeGradientAndScore}. */
    private double regularizationTerm;

    /**
     * The layer for a network, as {@link Ge2eOutputLayer#instantiate} creates it.
     *
     * @param conf the layer's configuration
     * @param dataType the network's data type
     */
    public Ge2eOutputLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected INDArray getLabels2d(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        return labels;
    }

    /** The layer's loss with the current w and b, reporting their gradients into {@code sink} (may be null). */
    private Ge2eLoss loss(Ge2eLoss.ParameterGradients sink) {
        double w = getParam(Ge2eParamInitializer.W_KEY).getDouble(0);
        double b = getParam(Ge2eParamInitializer.B_KEY).getDouble(0);
        return layerConf().ge2eLoss().withParameters(w, b, sink);
    }

    /** The input embedding itself (masked rows zeroed, as DL4J's output layers do). */
    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        if (input.rank() != 2 || input.size(1) != layerConf().getNIn()) {
            throw new DL4JInvalidInputException("Ge2eOutputLayer: input must be [minibatch, " + layerConf().getNIn()
                    + "], got " + java.util.Arrays.toString(input.shape()) + " " + layerId());
        }
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, input.shape(), 'c');
        z.assign(input.castTo(dataType));
        if (maskArray != null) {
            applyMask(z);
        }
        return z;
    }

    /** The L2-normalised embedding (the d-vector). */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray a = layerConf().getActivationFn().getActivation(preOutput(training, workspaceMgr), training);
        INDArray unit = UnitRows.unitRows(a, UnitRows.norms(a));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, unit.shape(), 'c');
        out.assign(unit);
        if (maskArray != null) {
            applyMask(out);
        }
        return out;
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("Cannot calculate score without input and labels " + layerId());
        }
        regularizationTerm = fullNetRegTerm;
        double total = loss(null).computeScore(labels, preOutput(training, workspaceMgr),
                layerConf().getActivationFn(), maskArray, false);
        if (conf().isMiniBatch()) {
            total /= getInputMiniBatchSize();
        }
        score = total + fullNetRegTerm;
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("Cannot calculate score without input and labels " + layerId());
        }
        INDArray scores = loss(null).computeScoreArray(labels, preOutput(false, workspaceMgr),
                layerConf().getActivationFn(), maskArray);
        if (fullNetRegTerm != 0.0) {
            scores.addi(fullNetRegTerm);
        }
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, scores);
    }

    @Override
    public void computeGradientAndScore(LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            return;
        }
        gradient = gradientsAndEpsilon(workspaceMgr).getFirst();
        score = computeScore(regularizationTerm, true, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Pair<Gradient, INDArray> result = gradientsAndEpsilon(workspaceMgr);
        return new Pair<>(result.getFirst(), backpropDropOutIfPresent(result.getSecond()));
    }

    /** dL/dw and dL/db (unaveraged, as DL4J divides by the minibatch) and dL/dinput. */
    private Pair<Gradient, INDArray> gradientsAndEpsilon(LayerWorkspaceMgr workspaceMgr) {
        Ge2eLoss.ParameterGradients sink = new Ge2eLoss.ParameterGradients();
        INDArray delta = loss(sink).computeGradient(labels, preOutput(true, workspaceMgr),
                layerConf().getActivationFn(), maskArray);
        Gradient gradient = new DefaultGradient();
        INDArray dw = gradientViews.get(Ge2eParamInitializer.W_KEY);
        INDArray db = gradientViews.get(Ge2eParamInitializer.B_KEY);
        dw.assign(sink.w());
        db.assign(sink.b());
        gradient.gradientForVariable().put(Ge2eParamInitializer.W_KEY, dw);
        gradient.gradientForVariable().put(Ge2eParamInitializer.B_KEY, db);
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, delta.shape(), 'f');
        epsilonNext.assign(delta);
        return new Pair<>(gradient, epsilonNext);
    }

    /** The user's constraints, then the paper's clamp: w stays at least {@link Ge2eOutputLayer#MIN_W}. */
    @Override
    public void applyConstraints(int iteration, int epoch) {
        super.applyConstraints(iteration, epoch);
        INDArray w = getParam(Ge2eParamInitializer.W_KEY);
        Transforms.max(w, Ge2eOutputLayer.MIN_W, false);
    }
}
