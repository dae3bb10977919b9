package org.dl4jlosses.layers;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.dl4jlosses.internal.UnitRows;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The network-side implementation of {@link CosineOutputLayer}: the cosine pre-output (pooled over
 * each class's sub-centers) and its hand-derived backward pass through the normalisation of the
 * input rows and of the columns of W.
 */
public class CosineOutputLayerImpl extends org.deeplearning4j.nn.layers.BaseOutputLayer<CosineOutputLayer> {
    private static final long serialVersionUID = 1L;

    /** The regularisation term of the last {@code computeScore} call, for {@code computeGradientAndScore}. */
    private double regularizationTerm;

    /**
     * The layer for a network, as {@link CosineOutputLayer#instantiate} creates it.
     *
     * @param conf the layer's configuration
     * @param dataType the network's data type
     */
    public CosineOutputLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected INDArray getLabels2d(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        return labels;
    }

    /** The normalised input rows and columns of W, with their norms. */
    private final class Unit {
        final INDArray inputNorms;
        final INDArray inputUnits;
        final INDArray weightNorms;
        final INDArray weightUnits; // [nOut, nIn]: the unit columns of W as rows

        Unit(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr);
            INDArray x = input.castTo(dataType);
            if (x.rank() != 2 || x.size(1) != w.size(0)) {
                throw new DL4JInvalidInputException("CosineOutputLayer: input must be [minibatch, " + w.size(0)
                        + "], got " + java.util.Arrays.toString(x.shape()) + " " + layerId());
            }
            inputNorms = UnitRows.norms(x);
            inputUnits = UnitRows.unitRows(x, inputNorms);
            INDArray columns = w.transpose();
            weightNorms = UnitRows.norms(columns);
            weightUnits = UnitRows.unitRows(columns, weightNorms);
        }

        /** The cosine of every input row and every column of W, clamped to [-1, 1]. */
        INDArray cosines(INDArray out) {
            inputUnits.mmuli(weightUnits.transpose(), out);
            // Rounding may push a cosine of nearly aligned vectors just past +-1.
            return Transforms.min(Transforms.max(out, -1.0, false), 1.0, false);
        }
    }

    private int subCenters() {
        return layerConf().getSubCenters();
    }

    /**
     * Writes the largest of each class's k sub-center cosines ({@code all [N, nOut k]}, column
     * {@code j k + s}) into {@code pooled [N, nOut]}; returns the sub-center s that gave each,
     * row-major (the first of equal ones, as {@code torch.max}).
     */
    private static int[] pool(INDArray all, int k, INDArray pooled) {
        INDArray grouped = all.reshape('c', pooled.size(0), pooled.size(1), k);
        pooled.assign(grouped.max(2));
        return Nd4j.argMax(grouped, 2).dup('c').data().asInt();
    }

    /** dL/dcos of every sub-center: the class's {@code delta} at the sub-center that gave its maximum, 0 at the others. */
    private static INDArray spread(INDArray delta, int[] winners, int k, DataType dataType) {
        double[] classGradient = delta.dup('c').data().asDouble();
        double[] all = new double[classGradient.length * k];
        for (int i = 0; i < winners.length; i++) {
            all[i * k + winners[i]] = classGradient[i];
        }
        return Nd4j.createFromArray(all).reshape(delta.size(0), delta.size(1) * k).castTo(dataType);
    }

    /** The pooled cosines [N, nOut] (masked rows zeroed), and with sub-centers the column that gave each. */
    private static final class Pooled {
        final INDArray cosines;
        final int[] winners;

        Pooled(INDArray cosines, int[] winners) {
            this.cosines = cosines;
            this.winners = winners;
        }
    }

    private Pooled pooledCosines(Unit unit, LayerWorkspaceMgr workspaceMgr) {
        int k = subCenters();
        long rows = unit.inputUnits.size(0);
        long columns = unit.weightUnits.size(0);
        INDArray cosines = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, rows, columns / k);
        int[] winners = null;
        if (k == 1) {
            unit.cosines(cosines);
        } else {
            winners = pool(unit.cosines(Nd4j.createUninitialized(dataType, rows, columns)), k, cosines);
        }
        if (maskArray != null) {
            applyMask(cosines);
        }
        return new Pooled(cosines, winners);
    }

    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        return pooledCosines(new Unit(training, workspaceMgr), workspaceMgr).cosines;
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        regularizationTerm = fullNetRegTerm;
        return super.computeScore(fullNetRegTerm, training, workspaceMgr);
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

    /**
     * dL/dW and dL/dx from the loss's dL/dcos = G (with sub-centers, spread to the columns that
     * gave each class's maximum): with u the unit input rows and v the unit columns of W,
     * dL/du = G V^T and dL/dv = U^T G, each then through its normalisation.
     */
    private Pair<Gradient, INDArray> gradientsAndEpsilon(LayerWorkspaceMgr workspaceMgr) {
        // One normalisation and one product serve the loss and the backward pass (and one draw of weight noise).
        applyDropOutIfNecessary(true, workspaceMgr);
        Unit unit = new Unit(true, workspaceMgr);
        Pooled pooled = pooledCosines(unit, workspaceMgr);
        INDArray delta = layerConf().getLossFn().computeGradient(getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM),
                pooled.cosines, layerConf().getActivationFn(), maskArray);
        if (pooled.winners != null) {
            delta = spread(delta, pooled.winners, subCenters(), dataType);
        }
        INDArray dInputUnits = delta.mmul(unit.weightUnits);                      // [N, nIn]
        INDArray dWeightUnits = delta.transpose().mmul(unit.inputUnits);          // [nOut, nIn]
        INDArray dInput = UnitRows.unitRowsBackward(unit.inputUnits, unit.inputNorms, dInputUnits);
        INDArray dWeights = UnitRows.unitRowsBackward(unit.weightUnits, unit.weightNorms, dWeightUnits);

        INDArray weightGradient = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        weightGradient.assign(dWeights.transpose());
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGradient);

        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                dInput.shape(), 'f');
        epsilonNext.assign(dInput);
        return new Pair<>(gradient, epsilonNext);
    }
}
