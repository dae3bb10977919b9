package org.dl4jlosses.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dl4jlosses.classification.AsymmetricLoss;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.classification.KlDivergenceLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.ranking.ApproxNdcgLoss;
import org.dl4jlosses.ranking.ListMleLoss;
import org.dl4jlosses.ranking.ListwiseSoftmaxLoss;
import org.dl4jlosses.regression.GaussianNllLoss;
import org.dl4jlosses.regression.HuberLoss;
import org.dl4jlosses.regression.LogCoshLoss;
import org.dl4jlosses.regression.MaeLoss;
import org.dl4jlosses.regression.MseLoss;
import org.dl4jlosses.regression.PoissonNllLoss;
import org.dl4jlosses.regression.QuantileLoss;
import org.dl4jlosses.regression.SmoothL1Loss;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Every point-wise loss x option set x relevant activation x label form, with random inputs that
 * fit it: the list the property tests (finite differences, invariants, threads) run over.
 */
public final class Catalogue {
    /** How to draw labels for a configuration. */
    public enum Labels {
        ONE_HOT, INDEX, SOFT, PROBABILITY, BINARY, SIGNED, REAL, COUNT
    }

    /** One configuration. {@code probabilityInput}: z is drawn in (0.05, 0.95) for a probability-consuming identity. */
    public static final class Entry {
        public final String name;
        public final ILossFunction loss;
        public final IActivation activation;
        public final Labels labels;
        public final boolean elementWise;
        final boolean probabilityInput;
        /** Columns of preOutput per label column (QuantileLoss: one per quantile). */
        final int columnsPerLabel;

        Entry(ILossFunction loss, IActivation activation, Labels labels, boolean elementWise, boolean probabilityInput) {
            this.columnsPerLabel = loss instanceof QuantileLoss ? ((QuantileLoss) loss).getQuantiles().length
                    : loss instanceof GaussianNllLoss ? 2 : 1;
            this.loss = loss;
            this.activation = activation;
            this.labels = labels;
            this.elementWise = elementWise;
            this.probabilityInput = probabilityInput;
            this.name = loss + " / " + activation + " / " + labels.name().toLowerCase();
        }

        public INDArray z(Random random, int rows, int columns, DataType type) {
            double[][] z = new double[rows][columns];
            for (double[] row : z) {
                for (int j = 0; j < columns; j++) {
                    row[j] = probabilityInput ? 0.05 + 0.9 * random.nextDouble() : 1.5 * random.nextGaussian();
                }
            }
            return Nd4j.createFromArray(z).castTo(type);
        }

        public INDArray labels(Random random, int rows, int columns, DataType type) {
            double[][] y = new double[rows][];
            for (int i = 0; i < rows; i++) {
                y[i] = new double[labels == Labels.INDEX ? 1 : columns / columnsPerLabel];
                int cls = random.nextInt(columns);
                switch (labels) {
                    case ONE_HOT:
                        y[i][cls] = 1;
                        break;
                    case INDEX:
                        y[i][0] = cls;
                        break;
                    case SOFT: {
                        double total = 0;
                        for (int j = 0; j < columns; j++) {
                            y[i][j] = random.nextDouble();
                            total += y[i][j];
                        }
                        for (int j = 0; j < columns; j++) {
                            y[i][j] /= total;
                        }
                        break;
                    }
                    default:
                        for (int j = 0; j < y[i].length; j++) {
                            y[i][j] = labels == Labels.PROBABILITY ? random.nextDouble()
                                    : labels == Labels.BINARY ? random.nextInt(2)
                                    : labels == Labels.SIGNED ? 2 * random.nextInt(2) - 1
                                    : labels == Labels.COUNT ? random.nextInt(7)
                                    : random.nextGaussian();
                        }
                }
            }
            return Nd4j.createFromArray(y).castTo(type);
        }

        /** Columns of preOutput per label column: a batch's column count must be a multiple of it. */
        public int columnsPerLabel() {
            return columnsPerLabel;
        }

        /** Whether z holds probabilities (an identity activation feeding a probability loss). */
        public boolean consumesProbabilities() {
            return probabilityInput;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Catalogue() {
    }

    public static List<Entry> pointwise() {
        List<Entry> all = new ArrayList<>();
        IActivation softmax = new ActivationSoftmax();
        IActivation sigmoid = new ActivationSigmoid();
        IActivation identity = new ActivationIdentity();
        IActivation tanh = new ActivationTanH();

        for (ILossFunction ce : List.of(new CrossEntropyLoss(), CrossEntropyLoss.builder().weights(0.5, 2, 1, 1.5).build(),
                CrossEntropyLoss.builder().labelSmoothing(0.2).build(),
                CrossEntropyLoss.builder().weights(0.5, 2, 1, 1.5).labelSmoothing(0.1).build())) {
            for (Labels l : List.of(Labels.ONE_HOT, Labels.INDEX, Labels.SOFT)) {
                all.add(new Entry(ce, softmax, l, false, false));
            }
            all.add(new Entry(ce, sigmoid, Labels.ONE_HOT, false, false));
            all.add(new Entry(ce, identity, Labels.INDEX, false, true));
        }
        for (ILossFunction bce : List.of(new BinaryCrossEntropyLoss(), BinaryCrossEntropyLoss.builder().weights(0.5, 2, 1, 1.5).build(),
                BinaryCrossEntropyLoss.builder().posWeight(2, 0.5, 3, 1).build(),
                BinaryCrossEntropyLoss.builder().labelSmoothing(0.1).build(),
                BinaryCrossEntropyLoss.builder().weights(1, 2, 0.5, 1).posWeight(2, 0.5, 3, 1).labelSmoothing(0.2).build())) {
            all.add(new Entry(bce, sigmoid, Labels.BINARY, true, false));
            all.add(new Entry(bce, sigmoid, Labels.PROBABILITY, true, false));
            all.add(new Entry(bce, identity, Labels.BINARY, true, true));
        }
        for (ILossFunction focal : List.of(new FocalLoss(), FocalLoss.builder().gamma(0).build(),
                FocalLoss.builder().gamma(0.5).alpha(-1).build(), FocalLoss.builder().gamma(3).alpha(0.75).build(),
                FocalLoss.builder().weights(0.5, 2, 1, 1.5).build())) {
            all.add(new Entry(focal, sigmoid, Labels.BINARY, true, false));
            all.add(new Entry(focal, sigmoid, Labels.PROBABILITY, true, false));
            all.add(new Entry(focal, softmax, Labels.ONE_HOT, false, false));
            all.add(new Entry(focal, softmax, Labels.SOFT, false, false));
        }
        for (PolyLoss poly : List.of(new PolyLoss(), PolyLoss.builder().epsilon(-1).build(), PolyLoss.builder().epsilon(2.5).gamma(2).build(),
                PolyLoss.builder().gamma(0.5).labelSmoothing(0.1).build(), PolyLoss.builder().weights(0.5, 2, 1, 1.5).epsilon(2).build())) {
            all.add(new Entry(poly, softmax, Labels.INDEX, false, false));
            all.add(new Entry(poly, softmax, Labels.SOFT, false, false));
            all.add(new Entry(poly, sigmoid, Labels.BINARY, true, false));
        }
        PolyLoss polyAlpha = PolyLoss.builder().gamma(2).alpha(0.25).labelSmoothing(0.1).build();
        all.add(new Entry(polyAlpha, sigmoid, Labels.PROBABILITY, true, false));

        for (HingeLoss.Mode mode : HingeLoss.Mode.values()) {
            for (boolean squared : new boolean[] {false, true}) {
                for (double margin : new double[] {1.0, 0.5}) {
                    HingeLoss hinge = HingeLoss.builder().mode(mode).squared(squared).margin(margin).build();
                    boolean binary = mode == HingeLoss.Mode.BINARY;
                    all.add(new Entry(hinge, identity, binary ? Labels.SIGNED : Labels.INDEX, binary, false));
                    all.add(new Entry(hinge, tanh, binary ? Labels.BINARY : Labels.ONE_HOT, binary, false));
                    if (margin == 1.0) {
                        // The other label form with identity too: 0/1 labels, one-hot rows (the Java kernels' paths).
                        all.add(new Entry(hinge, identity, binary ? Labels.BINARY : Labels.ONE_HOT, binary, false));
                    }
                }
            }
        }
        for (ILossFunction regression : List.of(new MaeLoss(), MaeLoss.builder().weights(0.5, 2, 1, 1.5).build(),
                new MseLoss(), MseLoss.builder().weights(0.5, 2, 1, 1.5).build(),
                new HuberLoss(), HuberLoss.builder().delta(0.5).build(), HuberLoss.builder().delta(2).build(),
                new SmoothL1Loss(), SmoothL1Loss.builder().beta(0).build(), SmoothL1Loss.builder().beta(0.5).build())) {
            all.add(new Entry(regression, identity, Labels.REAL, true, false));
            all.add(new Entry(regression, tanh, Labels.REAL, true, false));
        }
        all.add(new Entry(new LogCoshLoss(), identity, Labels.REAL, true, false));
        all.add(new Entry(new LogCoshLoss(), tanh, Labels.REAL, true, false));
        for (PoissonNllLoss poisson : List.of(new PoissonNllLoss(), PoissonNllLoss.builder().full(true).build())) {
            all.add(new Entry(poisson, identity, Labels.COUNT, true, false));
            all.add(new Entry(poisson, tanh, Labels.COUNT, true, false));
        }
        for (PoissonNllLoss rate : List.of(PoissonNllLoss.builder().logInput(false).build(),
                PoissonNllLoss.builder().logInput(false).full(true).eps(0.25).build())) {
            all.add(new Entry(rate, sigmoid, Labels.COUNT, true, false));
            all.add(new Entry(rate, identity, Labels.COUNT, true, true));
        }
        for (QuantileLoss quantile : List.of(new QuantileLoss(), QuantileLoss.builder().quantiles(0.1, 0.9).build())) {
            all.add(new Entry(quantile, identity, Labels.REAL, true, false));
            all.add(new Entry(quantile, tanh, Labels.REAL, true, false));
        }
        for (GaussianNllLoss gaussian : List.of(new GaussianNllLoss(),
                GaussianNllLoss.builder().variance(GaussianNllLoss.Variance.SOFTPLUS).full(true).build())) {
            all.add(new Entry(gaussian, identity, Labels.REAL, false, false));
        }
        for (AsymmetricLoss asl : List.of(new AsymmetricLoss(), AsymmetricLoss.builder().clip(0).build(),
                AsymmetricLoss.builder().gammaPositive(1).gammaNegative(2).clip(0.1).build(),
                AsymmetricLoss.builder().gammaPositive(0.5).gammaNegative(0).build())) {
            all.add(new Entry(asl, sigmoid, Labels.BINARY, true, false));
            all.add(new Entry(asl, sigmoid, Labels.PROBABILITY, true, false));
        }
        for (KlDivergenceLoss kl : List.of(new KlDivergenceLoss(), KlDivergenceLoss.builder().temperature(3).build(),
                KlDivergenceLoss.builder().temperature(0.5).build())) {
            for (Labels l : List.of(Labels.ONE_HOT, Labels.INDEX, Labels.SOFT)) {
                all.add(new Entry(kl, softmax, l, false, false));
            }
        }
        // Listwise ranking: whole grades (put in order by counting) and real ones (by a merge sort).
        for (ILossFunction listwise : List.of(new ListwiseSoftmaxLoss(), new ListMleLoss(), new ApproxNdcgLoss(),
                ApproxNdcgLoss.builder().temperature(1).build())) {
            all.add(new Entry(listwise, identity, Labels.COUNT, false, false));
            all.add(new Entry(listwise, tanh, Labels.PROBABILITY, false, false));
        }
        return all;
    }

    /** A row mask [rows, 1] with at least one 0 and one 1. */
    public static INDArray rowMask(Random random, int rows, DataType type) {
        double[][] m = new double[rows][1];
        for (int i = 0; i < rows; i++) {
            m[i][0] = i == 0 ? 0 : i == 1 ? 1 : random.nextInt(2);
        }
        return Nd4j.createFromArray(m).castTo(type);
    }

    /** An element mask [rows, columns] of random 0/1. */
    public static INDArray elementMask(Random random, int rows, int columns, DataType type) {
        double[][] m = new double[rows][columns];
        for (double[] row : m) {
            for (int j = 0; j < columns; j++) {
                row[j] = random.nextInt(3) == 0 ? 0 : 1;
            }
        }
        return Nd4j.createFromArray(m).castTo(type);
    }
}
