package org.dl4jlosses.integration;

import java.util.Random;
import org.dl4jlosses.integration.LossCases.Labels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Toy learning problems generated in code (deterministic for a seed), with K = 3 outputs and 4 features. */
public final class ToyData {
    public static final int FEATURES = 4;

    private ToyData() {
    }

    /** What a toy problem asks. */
    public enum Task {
        /** Three Gaussian blobs in the first two features (two noise features): one class per row. */
        MULTICLASS,
        /** Three independent linear binary targets. */
        MULTILABEL,
        /** Three smooth targets in (-1, 1). */
        REGRESSION,
        /** Three Poisson counts whose log-rates are linear in the features (the truth: the log-rates). */
        COUNTS;

        /** The task a label kind belongs to. */
        public static Task of(Labels labels) {
            switch (labels) {
                case ONE_HOT:
                case INDEX:
                case SOFT:
                    return MULTICLASS;
                case PROB:
                case BIN01:
                case SIGNED:
                    return MULTILABEL;
                case COUNT:
                    return COUNTS;
                default:
                    return REGRESSION;
            }
        }
    }

    /**
     * A data set for the task with labels in the given form; the true targets (one-hot classes,
     * {0, 1} bits, or real values) are kept in {@link Problem#truth}.
     */
    public static Problem problem(Labels labels, int rows, long seed, DataType type) {
        Random rnd = new Random(seed);
        double[][] x = new double[rows][FEATURES];
        double[][] truth = new double[rows][LossCases.K];
        double[][] y;
        switch (Task.of(labels)) {
            case MULTICLASS: {
                double[][] centres = {{2, 0}, {-1, 1.7}, {-1, -1.7}};
                y = new double[rows][labels.width(LossCases.K)];
                for (int i = 0; i < rows; i++) {
                    int c = i % 3;
                    x[i][0] = centres[c][0] + 0.6 * rnd.nextGaussian();
                    x[i][1] = centres[c][1] + 0.6 * rnd.nextGaussian();
                    x[i][2] = rnd.nextGaussian();
                    x[i][3] = rnd.nextGaussian();
                    truth[i][c] = 1;
                    if (labels == Labels.INDEX) {
                        y[i][0] = c;
                    } else if (labels == Labels.SOFT) {
                        for (int j = 0; j < 3; j++) {
                            y[i][j] = j == c ? 0.8 : 0.1;
                        }
                    } else {
                        y[i][c] = 1;
                    }
                }
                break;
            }
            case MULTILABEL: {
                y = new double[rows][LossCases.K];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < FEATURES; j++) {
                        x[i][j] = rnd.nextGaussian();
                    }
                    double[] logit = {x[i][0] + 0.5 * x[i][1], x[i][1] - x[i][2], x[i][3] + x[i][0]};
                    for (int j = 0; j < LossCases.K; j++) {
                        truth[i][j] = logit[j] > 0 ? 1 : 0;
                        y[i][j] = labels == Labels.SIGNED ? 2 * truth[i][j] - 1
                                : labels == Labels.PROB ? 1 / (1 + Math.exp(-3 * logit[j])) : truth[i][j];
                    }
                }
                break;
            }
            case COUNTS: {
                y = new double[rows][LossCases.K];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < FEATURES; j++) {
                        x[i][j] = 2 * rnd.nextDouble() - 1;
                    }
                    double[] logRate = {0.9 * x[i][0] + 0.5, 0.7 * x[i][1] - 0.6 * x[i][2] + 1, 0.8 * x[i][3] + 0.2};
                    for (int j = 0; j < LossCases.K; j++) {
                        truth[i][j] = logRate[j];
                        y[i][j] = poisson(Math.exp(logRate[j]), rnd);
                    }
                }
                break;
            }
            default: {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < FEATURES; j++) {
                        x[i][j] = 2 * rnd.nextDouble() - 1;
                    }
                    truth[i][0] = 0.8 * Math.sin(2 * x[i][0]);
                    truth[i][1] = 0.5 * x[i][1] - 0.4 * x[i][2];
                    truth[i][2] = 0.6 * x[i][0] * x[i][3] + 0.2;
                    for (int j = 0; j < LossCases.K; j++) {
                        truth[i][j] += 0.02 * rnd.nextGaussian();
                    }
                }
                if (labels == Labels.REAL_ONE) {
                    // One target, predicted as LossCases.K quantiles (QuantileLoss).
                    y = new double[rows][1];
                    for (int i = 0; i < rows; i++) {
                        y[i][0] = truth[i][0];
                    }
                } else {
                    y = truth;
                }
                break;
            }
        }
        INDArray features = Nd4j.createFromArray(x).castTo(type);
        INDArray target = Nd4j.createFromArray(y).castTo(type);
        return new Problem(Task.of(labels), new DataSet(features, target), Nd4j.createFromArray(truth));
    }

    /** A Poisson draw of the given rate (Knuth's product of uniforms; rates here are below 10). */
    static int poisson(double rate, Random rnd) {
        double limit = Math.exp(-rate);
        double product = rnd.nextDouble();
        int count = 0;
        while (product > limit) {
            product *= rnd.nextDouble();
            count++;
        }
        return count;
    }

    /** A generated data set with its task and true targets (double). */
    public static final class Problem {
        public final Task task;
        public final DataSet data;
        public final INDArray truth;

        Problem(Task task, DataSet data, INDArray truth) {
            this.task = task;
            this.data = data;
            this.truth = truth;
        }
    }

    /** Fraction of rows whose arg-max output is the true class. */
    public static double classAccuracy(INDArray output, INDArray truth) {
        INDArray predicted = Nd4j.argMax(output.castTo(DataType.DOUBLE), 1);
        INDArray actual = Nd4j.argMax(truth, 1);
        return predicted.eq(actual).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    /** Fraction of elements on the right side of the threshold. */
    public static double bitAccuracy(INDArray output, INDArray truth, double threshold) {
        INDArray predicted = output.castTo(DataType.DOUBLE).gt(threshold).castTo(DataType.DOUBLE);
        return predicted.eq(truth).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    /** Coefficient of determination averaged over columns. */
    public static double rSquared(INDArray output, INDArray truth) {
        INDArray o = output.castTo(DataType.DOUBLE);
        double total = 0;
        for (int j = 0; j < truth.size(1); j++) {
            INDArray t = truth.getColumn(j);
            double residual = o.getColumn(j).sub(t).norm2Number().doubleValue();
            double spread = t.sub(t.meanNumber()).norm2Number().doubleValue();
            total += 1 - residual * residual / (spread * spread);
        }
        return total / truth.size(1);
    }
}
