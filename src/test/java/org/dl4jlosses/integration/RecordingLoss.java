package org.dl4jlosses.integration;

import java.util.ArrayList;
import java.util.List;
import org.dl4jlosses.regression.MseLoss;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A test loss that is {@link MseLoss} and writes down the first label column of every batch it
 * computes a gradient for, i.e. every minibatch a network trained on, whichever thread, worker or
 * Spark task (in this JVM) that was. {@link RebatchingTest} tags each row with a unique label to
 * see how DL4J's engines cut the data into batches. It has no fields, so it crosses to workers
 * by JSON and Java serialisation like any loss; the record is static and shared by all copies.
 */
public final class RecordingLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;
    private static final MseLoss MSE = new MseLoss();
    private static final List<double[]> BATCHES = new ArrayList<>();

    /** Forgets every recorded batch. */
    public static void clear() {
        synchronized (BATCHES) {
            BATCHES.clear();
        }
    }

    /** The first label column of each batch trained on since {@link #clear()}, in no particular order. */
    public static List<double[]> batches() {
        synchronized (BATCHES) {
            return new ArrayList<>(BATCHES);
        }
    }

    private static void record(INDArray labels) {
        double[] column = labels.getColumn(0).castTo(DataType.DOUBLE).toDoubleVector();
        synchronized (BATCHES) {
            BATCHES.add(column);
        }
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        return MSE.computeScore(labels, preOutput, activationFn, mask, average);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return MSE.computeScoreArray(labels, preOutput, activationFn, mask);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        record(labels);
        return MSE.computeGradient(labels, preOutput, activationFn, mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        record(labels);
        return MSE.computeGradientAndScore(labels, preOutput, activationFn, mask, average);
    }

    @Override
    public String name() {
        return "RecordingLoss";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordingLoss;
    }

    @Override
    public int hashCode() {
        return RecordingLoss.class.hashCode();
    }

    @Override
    public String toString() {
        return name();
    }
}
