package org.dl4jlosses.integration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dl4jlosses.classification.AsymmetricLoss;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.classification.HingeLoss.Mode;
import org.dl4jlosses.classification.KlDivergenceLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.ranking.ApproxNdcgLoss;
import org.dl4jlosses.ranking.ListMleLoss;
import org.dl4jlosses.ranking.ListwiseSoftmaxLoss;
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
 * The shared catalogue of the integration tests: every point-wise loss with its option sets, the
 * activation and label kind each is exercised with, and the generators of deterministic inputs,
 * labels and masks. The tests compose these with layer types, masks and networks.
 */
public final class LossCases {
    private LossCases() {
    }

    /** The number of output columns (classes, or regression / binary targets) used throughout. */
    public static final int K = 3;

    /** Which labels a case feeds its loss. */
    public enum Labels {
        /** One-hot rows [R, K]. */
        ONE_HOT,
        /** Class indices [R, 1]. */
        INDEX,
        /** Probability rows [R, K] summing to 1 (soft labels). */
        SOFT,
        /** Independent probabilities in [0, 1], [R, K]. */
        PROB,
        /** Independent {0, 1}, [R, K]. */
        BIN01,
        /** Independent {-1, +1}, [R, K]. */
        SIGNED,
        /** Real values ~ N(0, 1), [R, K]. */
        REAL,
        /** Real values in (-0.9, 0.9), reachable by a tanh output, [R, K]. */
        REAL_UNIT,
        /** Counts 0..6 (Poisson-like), [R, K]. */
        COUNT,
        /** One real value ~ N(0, 1) per row, [R, 1]: the target of QuantileLoss's K quantiles. */
        REAL_ONE;

        /** The width of the label array for K outputs. */
        public int width(int k) {
            return this == INDEX || this == REAL_ONE ? 1 : k;
        }

        /** Whether these are class labels (one class or a distribution per row). */
        public boolean classes() {
            return this == ONE_HOT || this == INDEX || this == SOFT;
        }
    }

    /** One loss configuration with the activation and labels it is exercised with. */
    public static final class Case {
        public final ILossFunction loss;
        public final IActivation activation;
        public final Labels labels;
        /** Whether the loss is element-wise here (element masks [R, K] allowed). */
        public final boolean elementWise;

        Case(ILossFunction loss, IActivation activation, Labels labels, boolean elementWise) {
            this.loss = loss;
            this.activation = activation;
            this.labels = labels;
            this.elementWise = elementWise;
        }

        /** A readable name: the loss with its options, the activation and the label kind. */
        @Override
        public String toString() {
            return loss + " | " + activationName(activation) + " | " + labels;
        }
    }

    public static final IActivation SOFTMAX = new ActivationSoftmax();
    public static final IActivation SIGMOID = new ActivationSigmoid();
    public static final IActivation IDENTITY = new ActivationIdentity();
    public static final IActivation TANH = new ActivationTanH();

    public static String activationName(IActivation a) {
        if (a instanceof ActivationSoftmax) {
            return "softmax";
        }
        if (a instanceof ActivationSigmoid) {
            return "sigmoid";
        }
        if (a instanceof ActivationIdentity) {
            return "identity";
        }
        if (a instanceof ActivationTanH) {
            return "tanh";
        }
        return a.toString();
    }

    private static Case classes(ILossFunction loss, IActivation activation, Labels labels) {
        return new Case(loss, activation, labels, false);
    }

    private static Case elements(ILossFunction loss, IActivation activation, Labels labels) {
        return new Case(loss, activation, labels, true);
    }

    // ------------------------------------------------------------------ option sets

    /**
     * Every loss with every option exercised (non-default values of each option, alone and
     * combined) and each relevant activation: the gradient-check catalogue.
     */
    public static List<Case> all() {
        List<Case> c = new ArrayList<>();
        double[] w = {0.5, 2.0, 1.0};

        // CrossEntropyLoss: softmax fused; sigmoid exercises the generic (clipped-probability) path.
        CrossEntropyLoss ceW = CrossEntropyLoss.builder().weights(w).build();
        CrossEntropyLoss ceLs = CrossEntropyLoss.builder().labelSmoothing(0.1).build();
        CrossEntropyLoss ceAll = CrossEntropyLoss.builder().weights(w).labelSmoothing(0.2).build();
        c.add(classes(new CrossEntropyLoss(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(new CrossEntropyLoss(), SOFTMAX, Labels.INDEX));
        c.add(classes(new CrossEntropyLoss(), SOFTMAX, Labels.SOFT));
        c.add(classes(ceW, SOFTMAX, Labels.ONE_HOT));
        c.add(classes(ceLs, SOFTMAX, Labels.INDEX));
        c.add(classes(ceAll, SOFTMAX, Labels.SOFT));
        c.add(classes(new CrossEntropyLoss(), SIGMOID, Labels.ONE_HOT));
        c.add(classes(ceAll, SIGMOID, Labels.SOFT));

        // BinaryCrossEntropyLoss: sigmoid fused; softmax (outputs in (0, 1)) exercises the generic path.
        BinaryCrossEntropyLoss bceAll = BinaryCrossEntropyLoss.builder().weights(w).posWeight(3.0, 0.5, 1.0)
                .labelSmoothing(0.1).build();
        c.add(elements(new BinaryCrossEntropyLoss(), SIGMOID, Labels.PROB));
        c.add(elements(new BinaryCrossEntropyLoss(), SIGMOID, Labels.BIN01));
        c.add(elements(BinaryCrossEntropyLoss.builder().weights(w).build(), SIGMOID, Labels.PROB));
        c.add(elements(BinaryCrossEntropyLoss.builder().posWeight(3.0, 0.5, 1.0).build(), SIGMOID, Labels.BIN01));
        c.add(elements(BinaryCrossEntropyLoss.builder().labelSmoothing(0.2).build(), SIGMOID, Labels.BIN01));
        c.add(elements(bceAll, SIGMOID, Labels.PROB));
        c.add(elements(new BinaryCrossEntropyLoss(), SOFTMAX, Labels.PROB));
        c.add(elements(bceAll, SOFTMAX, Labels.BIN01));

        // FocalLoss, sigmoid (per-element) form.
        c.add(elements(new FocalLoss(), SIGMOID, Labels.PROB));
        c.add(elements(new FocalLoss(), SIGMOID, Labels.BIN01));
        c.add(elements(FocalLoss.builder().gamma(0.5).build(), SIGMOID, Labels.BIN01));
        c.add(elements(FocalLoss.builder().gamma(0.0).build(), SIGMOID, Labels.PROB));
        c.add(elements(FocalLoss.builder().alpha(-1).build(), SIGMOID, Labels.BIN01));
        c.add(elements(FocalLoss.builder().gamma(0.0).alpha(-1).build(), SIGMOID, Labels.BIN01));
        c.add(elements(FocalLoss.builder().gamma(0.5).alpha(0.75).weights(w).build(), SIGMOID, Labels.PROB));
        // FocalLoss, softmax (multi-class) form.
        c.add(classes(new FocalLoss(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(new FocalLoss(), SOFTMAX, Labels.INDEX));
        c.add(classes(FocalLoss.builder().gamma(0.5).build(), SOFTMAX, Labels.SOFT));
        c.add(classes(FocalLoss.builder().gamma(0.0).build(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(FocalLoss.builder().weights(w).build(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(FocalLoss.builder().gamma(3.0).alpha(-1).weights(w).build(), SOFTMAX, Labels.INDEX));

        // PolyLoss, softmax form.
        c.add(classes(new PolyLoss(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(new PolyLoss(), SOFTMAX, Labels.INDEX));
        c.add(classes(PolyLoss.builder().epsilon(2.0).build(), SOFTMAX, Labels.SOFT));
        c.add(classes(PolyLoss.builder().epsilon(-0.5).build(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(PolyLoss.builder().gamma(2.0).build(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(PolyLoss.builder().gamma(0.5).epsilon(1.5).build(), SOFTMAX, Labels.INDEX));
        c.add(classes(PolyLoss.builder().labelSmoothing(0.1).build(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(PolyLoss.builder().weights(w).build(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(PolyLoss.builder().epsilon(2.0).gamma(1.0).labelSmoothing(0.1).weights(w).build(),
                SOFTMAX, Labels.SOFT));
        // PolyLoss, sigmoid form.
        c.add(elements(new PolyLoss(), SIGMOID, Labels.PROB));
        c.add(elements(new PolyLoss(), SIGMOID, Labels.BIN01));
        c.add(elements(PolyLoss.builder().gamma(2.0).alpha(0.25).build(), SIGMOID, Labels.BIN01));
        c.add(elements(PolyLoss.builder().gamma(0.5).alpha(0.75).build(), SIGMOID, Labels.PROB));
        c.add(elements(PolyLoss.builder().labelSmoothing(0.1).weights(w).build(), SIGMOID, Labels.BIN01));
        c.add(elements(PolyLoss.builder().epsilon(-1.0).build(), SIGMOID, Labels.PROB));

        // HingeLoss, binary.
        c.add(elements(new HingeLoss(), IDENTITY, Labels.SIGNED));
        c.add(elements(new HingeLoss(), TANH, Labels.BIN01));
        c.add(elements(HingeLoss.builder().squared(true).build(), IDENTITY, Labels.BIN01));
        c.add(elements(HingeLoss.builder().margin(0.5).build(), TANH, Labels.SIGNED));
        c.add(elements(HingeLoss.builder().margin(2.0).squared(true).build(), IDENTITY, Labels.SIGNED));
        // HingeLoss, multi-class.
        for (Mode mode : new Mode[] {Mode.CRAMMER_SINGER, Mode.WESTON_WATKINS}) {
            c.add(classes(HingeLoss.builder().mode(mode).build(), IDENTITY, Labels.ONE_HOT));
            c.add(classes(HingeLoss.builder().mode(mode).build(), TANH, Labels.INDEX));
            c.add(classes(HingeLoss.builder().mode(mode).squared(true).build(), IDENTITY, Labels.INDEX));
            c.add(classes(HingeLoss.builder().mode(mode).margin(0.5).build(), TANH, Labels.ONE_HOT));
            c.add(classes(HingeLoss.builder().mode(mode).margin(2.0).squared(true).build(), TANH, Labels.ONE_HOT));
        }

        // Regression.
        c.add(elements(new MaeLoss(), IDENTITY, Labels.REAL));
        c.add(elements(new MaeLoss(), TANH, Labels.REAL_UNIT));
        c.add(elements(MaeLoss.builder().weights(w).build(), IDENTITY, Labels.REAL));
        c.add(elements(new MseLoss(), IDENTITY, Labels.REAL));
        c.add(elements(new MseLoss(), TANH, Labels.REAL_UNIT));
        c.add(elements(MseLoss.builder().weights(w).build(), TANH, Labels.REAL_UNIT));
        c.add(elements(new HuberLoss(), IDENTITY, Labels.REAL));
        c.add(elements(HuberLoss.builder().delta(0.3).build(), TANH, Labels.REAL_UNIT));
        c.add(elements(HuberLoss.builder().delta(2.5).build(), IDENTITY, Labels.REAL));
        c.add(elements(new SmoothL1Loss(), IDENTITY, Labels.REAL));
        c.add(elements(SmoothL1Loss.builder().beta(0.4).build(), TANH, Labels.REAL_UNIT));
        c.add(elements(SmoothL1Loss.builder().beta(0.0).build(), IDENTITY, Labels.REAL));
        c.add(elements(SmoothL1Loss.builder().beta(0.0).build(), TANH, Labels.REAL_UNIT));
        c.add(elements(new LogCoshLoss(), IDENTITY, Labels.REAL));
        c.add(elements(new LogCoshLoss(), TANH, Labels.REAL_UNIT));
        c.add(elements(new PoissonNllLoss(), IDENTITY, Labels.COUNT));
        c.add(elements(PoissonNllLoss.builder().full(true).build(), IDENTITY, Labels.COUNT));
        c.add(elements(PoissonNllLoss.builder().logInput(false).build(), SIGMOID, Labels.COUNT));
        c.add(elements(PoissonNllLoss.builder().logInput(false).full(true).eps(0.1).build(), SOFTMAX, Labels.COUNT));

        c.add(elements(QuantileLoss.builder().quantiles(0.1, 0.5, 0.9).build(), IDENTITY, Labels.REAL_ONE));
        c.add(elements(QuantileLoss.builder().quantiles(0.2, 0.4, 0.7).build(), TANH, Labels.REAL_ONE));

        // Multi-label and distillation.
        c.add(elements(new AsymmetricLoss(), SIGMOID, Labels.BIN01));
        c.add(elements(new AsymmetricLoss(), SIGMOID, Labels.PROB));
        c.add(elements(AsymmetricLoss.builder().gammaPositive(1).gammaNegative(2).clip(0).build(), SIGMOID, Labels.BIN01));
        c.add(elements(AsymmetricLoss.builder().gammaPositive(0.5).gammaNegative(0).clip(0.2).build(), SIGMOID, Labels.PROB));
        c.add(classes(new KlDivergenceLoss(), SOFTMAX, Labels.SOFT));
        c.add(classes(new KlDivergenceLoss(), SOFTMAX, Labels.INDEX));
        c.add(classes(KlDivergenceLoss.builder().temperature(4).build(), SOFTMAX, Labels.SOFT));
        c.add(classes(KlDivergenceLoss.builder().temperature(0.5).build(), SOFTMAX, Labels.ONE_HOT));

        // Listwise ranking: each row a list of K items, grades as labels.
        c.add(classes(new ListwiseSoftmaxLoss(), IDENTITY, Labels.COUNT));
        c.add(classes(new ListwiseSoftmaxLoss(), TANH, Labels.PROB));
        c.add(classes(new ListMleLoss(), IDENTITY, Labels.COUNT));
        c.add(classes(new ListMleLoss(), TANH, Labels.PROB));
        c.add(classes(new ApproxNdcgLoss(), IDENTITY, Labels.COUNT));
        c.add(classes(ApproxNdcgLoss.builder().temperature(1).build(), TANH, Labels.PROB));
        return c;
    }

    /** One case per distinct loss configuration of {@link #all()} (first activation seen): for serialisation. */
    public static List<Case> distinctLosses() {
        Map<ILossFunction, Case> byLoss = new LinkedHashMap<>();
        for (Case c : all()) {
            byLoss.putIfAbsent(c.loss, c);
        }
        return new ArrayList<>(byLoss.values());
    }

    /** A smaller set for the slower tests: each loss with its defaults and one or two option sets. */
    public static List<Case> representative() {
        List<Case> c = new ArrayList<>();
        c.add(classes(new CrossEntropyLoss(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(CrossEntropyLoss.builder().weights(0.5, 2.0, 1.0).labelSmoothing(0.1).build(), SOFTMAX, Labels.ONE_HOT));
        c.add(elements(new BinaryCrossEntropyLoss(), SIGMOID, Labels.BIN01));
        c.add(elements(BinaryCrossEntropyLoss.builder().posWeight(2.0, 1.0, 0.5).labelSmoothing(0.1).build(), SIGMOID, Labels.BIN01));
        c.add(elements(new FocalLoss(), SIGMOID, Labels.BIN01));
        c.add(classes(FocalLoss.builder().gamma(0.5).weights(0.5, 2.0, 1.0).build(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(new PolyLoss(), SOFTMAX, Labels.ONE_HOT));
        c.add(elements(PolyLoss.builder().gamma(2.0).alpha(0.25).epsilon(-0.5).build(), SIGMOID, Labels.BIN01));
        c.add(elements(new HingeLoss(), IDENTITY, Labels.SIGNED));
        c.add(classes(HingeLoss.builder().mode(Mode.CRAMMER_SINGER).squared(true).build(), IDENTITY, Labels.ONE_HOT));
        c.add(classes(HingeLoss.builder().mode(Mode.WESTON_WATKINS).margin(0.5).build(), IDENTITY, Labels.ONE_HOT));
        c.add(elements(new MaeLoss(), IDENTITY, Labels.REAL));
        c.add(elements(MseLoss.builder().weights(0.5, 2.0, 1.0).build(), IDENTITY, Labels.REAL));
        c.add(elements(HuberLoss.builder().delta(0.5).build(), IDENTITY, Labels.REAL));
        c.add(elements(SmoothL1Loss.builder().beta(0.0).build(), TANH, Labels.REAL_UNIT));
        c.add(elements(new LogCoshLoss(), IDENTITY, Labels.REAL));
        c.add(elements(PoissonNllLoss.builder().full(true).build(), IDENTITY, Labels.COUNT));
        c.add(elements(PoissonNllLoss.builder().logInput(false).build(), SIGMOID, Labels.COUNT));
        c.add(elements(QuantileLoss.builder().quantiles(0.1, 0.5, 0.9).build(), IDENTITY, Labels.REAL_ONE));
        c.add(elements(new AsymmetricLoss(), SIGMOID, Labels.BIN01));
        c.add(classes(KlDivergenceLoss.builder().temperature(4).build(), SOFTMAX, Labels.SOFT));
        c.add(classes(new ListwiseSoftmaxLoss(), IDENTITY, Labels.COUNT));
        c.add(classes(new ListMleLoss(), IDENTITY, Labels.COUNT));
        c.add(classes(new ApproxNdcgLoss(), IDENTITY, Labels.COUNT));
        return c;
    }

    /** Each loss with its defaults and a couple of option sets, for training on toy problems. */
    public static List<Case> training() {
        List<Case> c = new ArrayList<>();
        double[] w = {0.5, 2.0, 1.0};
        c.add(classes(new CrossEntropyLoss(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(CrossEntropyLoss.builder().weights(w).labelSmoothing(0.1).build(), SOFTMAX, Labels.INDEX));
        c.add(classes(CrossEntropyLoss.builder().labelSmoothing(0.05).build(), SOFTMAX, Labels.SOFT));
        c.add(classes(new CrossEntropyLoss(), SIGMOID, Labels.ONE_HOT));
        c.add(elements(new BinaryCrossEntropyLoss(), SIGMOID, Labels.BIN01));
        c.add(elements(BinaryCrossEntropyLoss.builder().weights(w).posWeight(2.0, 1.0, 0.5).labelSmoothing(0.1).build(),
                SIGMOID, Labels.BIN01));
        c.add(elements(new BinaryCrossEntropyLoss(), SIGMOID, Labels.PROB));
        c.add(elements(new FocalLoss(), SIGMOID, Labels.BIN01));
        c.add(elements(FocalLoss.builder().gamma(0.5).alpha(-1).build(), SIGMOID, Labels.BIN01));
        c.add(classes(new FocalLoss(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(FocalLoss.builder().gamma(1.0).weights(w).build(), SOFTMAX, Labels.INDEX));
        c.add(classes(new PolyLoss(), SOFTMAX, Labels.ONE_HOT));
        c.add(classes(PolyLoss.builder().epsilon(2.0).gamma(2.0).labelSmoothing(0.1).build(), SOFTMAX, Labels.ONE_HOT));
        c.add(elements(new PolyLoss(), SIGMOID, Labels.BIN01));
        // Not epsilon < 0 here: with alpha_t = 0.25 the leading (1 - p_t)^3 coefficient alpha_t + epsilon
        // turns negative and the loss rewards confident mistakes (checked: it trains to chance level).
        c.add(elements(PolyLoss.builder().gamma(2.0).alpha(0.25).epsilon(0.5).build(), SIGMOID, Labels.BIN01));
        c.add(classes(PolyLoss.builder().epsilon(-0.5).build(), SOFTMAX, Labels.INDEX));
        c.add(elements(new HingeLoss(), IDENTITY, Labels.SIGNED));
        c.add(elements(HingeLoss.builder().squared(true).margin(0.5).build(), TANH, Labels.BIN01));
        c.add(classes(HingeLoss.builder().mode(Mode.CRAMMER_SINGER).build(), IDENTITY, Labels.ONE_HOT));
        c.add(classes(HingeLoss.builder().mode(Mode.CRAMMER_SINGER).squared(true).build(), IDENTITY, Labels.INDEX));
        c.add(classes(HingeLoss.builder().mode(Mode.WESTON_WATKINS).build(), IDENTITY, Labels.ONE_HOT));
        c.add(classes(HingeLoss.builder().mode(Mode.WESTON_WATKINS).margin(2.0).squared(true).build(), TANH, Labels.ONE_HOT));
        c.add(elements(new MaeLoss(), IDENTITY, Labels.REAL));
        c.add(elements(MaeLoss.builder().weights(w).build(), TANH, Labels.REAL_UNIT));
        c.add(elements(new MseLoss(), IDENTITY, Labels.REAL));
        c.add(elements(MseLoss.builder().weights(w).build(), TANH, Labels.REAL_UNIT));
        c.add(elements(new HuberLoss(), IDENTITY, Labels.REAL));
        c.add(elements(HuberLoss.builder().delta(0.3).build(), TANH, Labels.REAL_UNIT));
        c.add(elements(new SmoothL1Loss(), IDENTITY, Labels.REAL));
        c.add(elements(SmoothL1Loss.builder().beta(0.0).build(), IDENTITY, Labels.REAL));
        c.add(elements(new LogCoshLoss(), IDENTITY, Labels.REAL));
        c.add(elements(new PoissonNllLoss(), IDENTITY, Labels.COUNT));
        c.add(elements(new AsymmetricLoss(), SIGMOID, Labels.BIN01));
        c.add(elements(AsymmetricLoss.builder().gammaPositive(1).clip(0).build(), SIGMOID, Labels.PROB));
        c.add(classes(new KlDivergenceLoss(), SOFTMAX, Labels.SOFT));
        c.add(classes(KlDivergenceLoss.builder().temperature(4).build(), SOFTMAX, Labels.ONE_HOT));
        return c;
    }

    // ------------------------------------------------------------------ data

    /** Features [rows, cols] ~ N(0, 1) from a java.util.Random (independent of ND4J's RNG). */
    public static INDArray gaussian(int rows, int cols, Random rnd, DataType type) {
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return Nd4j.createFromArray(v).castTo(type);
    }

    /** Labels of the given kind, [rows, kind.width(k)], double unless cast. */
    public static INDArray labels(Labels kind, int rows, int k, Random rnd, DataType type) {
        double[][] v = new double[rows][kind.width(k)];
        for (int i = 0; i < rows; i++) {
            double[] row = v[i];
            switch (kind) {
                case ONE_HOT:
                    row[rnd.nextInt(k)] = 1;
                    break;
                case INDEX:
                    row[0] = rnd.nextInt(k);
                    break;
                case SOFT: {
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        row[j] = 0.05 + rnd.nextDouble();
                        sum += row[j];
                    }
                    for (int j = 0; j < k; j++) {
                        row[j] /= sum;
                    }
                    break;
                }
                case PROB:
                    for (int j = 0; j < k; j++) {
                        row[j] = rnd.nextDouble();
                    }
                    break;
                case BIN01:
                    for (int j = 0; j < k; j++) {
                        row[j] = rnd.nextBoolean() ? 1 : 0;
                    }
                    break;
                case SIGNED:
                    for (int j = 0; j < k; j++) {
                        row[j] = rnd.nextBoolean() ? 1 : -1;
                    }
                    break;
                case REAL:
                case REAL_ONE:
                    for (int j = 0; j < row.length; j++) {
                        row[j] = rnd.nextGaussian();
                    }
                    break;
                case REAL_UNIT:
                    for (int j = 0; j < k; j++) {
                        row[j] = 1.8 * rnd.nextDouble() - 0.9;
                    }
                    break;
                case COUNT:
                    for (int j = 0; j < k; j++) {
                        row[j] = rnd.nextInt(7);
                    }
                    break;
                default:
                    throw new AssertionError(kind);
            }
        }
        return Nd4j.createFromArray(v).castTo(type);
    }

    /** Class indices [R, 1] as one-hot [R, k]; other labels unchanged. */
    public static INDArray oneHot(INDArray labels, int k) {
        if (labels.size(1) != 1 || k == 1) {
            return labels;
        }
        INDArray out = Nd4j.zeros(labels.dataType(), labels.size(0), k);
        for (int i = 0; i < labels.size(0); i++) {
            out.putScalar(i, labels.getInt(i, 0), 1.0);
        }
        return out;
    }

    /** A row mask [rows, 1] with rows 1 and rows-2 masked out. */
    public static INDArray rowMask(int rows, DataType type) {
        INDArray m = Nd4j.ones(type, rows, 1);
        m.putScalar(1, 0, 0.0);
        m.putScalar(rows - 2, 0, 0.0);
        return m;
    }

    /** An element mask [rows, k], about a third zeros, every row keeping at least one element. */
    public static INDArray elementMask(int rows, int k, Random rnd, DataType type) {
        double[][] v = new double[rows][k];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < k; j++) {
                v[i][j] = rnd.nextDouble() < 0.35 ? 0 : 1;
            }
            v[i][rnd.nextInt(k)] = 1;
        }
        return Nd4j.createFromArray(v).castTo(type);
    }

    // ------------------------------------------------------------------ kinks

    /**
     * How far (in output units) these outputs are from the nearest point where the loss is not
     * differentiable (or, for Huber and smooth L1, where its second derivative jumps): infinity for
     * smooth losses. Gradient checks retry with other data while this is below a threshold, so that
     * the +-epsilon finite differences never straddle a kink.
     */
    public static double kinkDistance(ILossFunction loss, INDArray labels, INDArray output) {
        double[][] a = output.castTo(DataType.DOUBLE).toDoubleMatrix();
        int k = a[0].length;
        if (loss instanceof QuantileLoss) {
            // The pinball loss has a kink where a quantile's prediction meets its target.
            double[][] targets = labels.castTo(DataType.DOUBLE).toDoubleMatrix();
            int perLabel = ((QuantileLoss) loss).getQuantiles().length;
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[i].length; j++) {
                    best = Math.min(best, Math.abs(a[i][j] - targets[i][j / perLabel]));
                }
            }
            return best;
        }
        double[][] y = oneHot(labels.castTo(DataType.DOUBLE), k).toDoubleMatrix();
        double best = Double.POSITIVE_INFINITY;
        if (loss instanceof AsymmetricLoss && ((AsymmetricLoss) loss).getClip() > 0) {
            // The shifted probability max(p - clip, 0) of a negative has a kink at p = clip.
            for (double[] row : a) {
                for (double p : row) {
                    best = Math.min(best, Math.abs(p - ((AsymmetricLoss) loss).getClip()));
                }
            }
        } else if (loss instanceof MaeLoss || loss instanceof HuberLoss || loss instanceof SmoothL1Loss) {
            double t = loss instanceof HuberLoss ? ((HuberLoss) loss).getDelta()
                    : loss instanceof SmoothL1Loss ? ((SmoothL1Loss) loss).getBeta() : 0;
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < k; j++) {
                    double r = Math.abs(a[i][j] - y[i][j]);
                    best = Math.min(best, t == 0 ? r : Math.abs(r - t));
                }
            }
        } else if (loss instanceof HingeLoss) {
            HingeLoss h = (HingeLoss) loss;
            double m = h.getMargin();
            for (int i = 0; i < a.length; i++) {
                switch (h.getMode()) {
                    case BINARY: {
                        boolean signed = minimum(y) < 0;
                        for (int j = 0; j < k; j++) {
                            double s = signed ? y[i][j] : 2 * y[i][j] - 1;
                            best = Math.min(best, Math.abs(m - s * a[i][j]));
                        }
                        break;
                    }
                    case CRAMMER_SINGER: {
                        int t = argmax(y[i]);
                        double first = Double.NEGATIVE_INFINITY;
                        double second = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < k; j++) {
                            if (j == t) {
                                continue;
                            }
                            if (a[i][j] > first) {
                                second = first;
                                first = a[i][j];
                            } else if (a[i][j] > second) {
                                second = a[i][j];
                            }
                        }
                        best = Math.min(best, Math.abs(m + first - a[i][t]));
                        if (k > 2) {
                            best = Math.min(best, first - second);
                        }
                        break;
                    }
                    case WESTON_WATKINS: {
                        int t = argmax(y[i]);
                        for (int j = 0; j < k; j++) {
                            if (j != t) {
                                best = Math.min(best, Math.abs(m + a[i][j] - a[i][t]));
                            }
                        }
                        break;
                    }
                    default:
                        throw new AssertionError(h.getMode());
                }
            }
        }
        return best;
    }

    private static double minimum(double[][] v) {
        double min = Double.POSITIVE_INFINITY;
        for (double[] row : v) {
            for (double x : row) {
                min = Math.min(min, x);
            }
        }
        return min;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }
}
