package org.dl4jlosses.examples;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.regression.HuberLoss;
import org.dl4jlosses.regression.MaeLoss;
import org.dl4jlosses.regression.MseLoss;
import org.dl4jlosses.regression.SmoothL1Loss;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Example 11: the figures of the classic loss overview, drawn from the library's own losses. A
 * column of margins {@code m = y f(x)} (label +1, score m) goes through each classification
 * loss's {@code computeScoreArray}, and a column of residuals {@code r = prediction - label}
 * through each regression loss's; 0-1 loss, which no network can train on, is drawn from its
 * definition. Each library curve is also checked against its closed form, and the largest
 * difference is the example's metric.
 */
public final class LossCurvesExample implements Example {
    /** Points per axis, evenly spaced (plus the kinks, see {@link #grid}). */
    private static final int POINTS = 600;
    private static final double HUBER_DELTA = 1.5;

    @Override
    public String name() {
        return "loss-curves";
    }

    @Override
    public List<String> aliases() {
        return List.of("curves");
    }

    @Override
    public String description() {
        return "the loss overview figures: classification losses against the margin, regression losses against the residual";
    }

    @Override
    public List<Result> run(Budget budget, Output out) throws IOException {
        List<Result> results = new ArrayList<>();
        double[] margin = grid(-3, 3);
        double[] residual = grid(-3, 3);

        XYChart classification = Plots.chart("Classification losses against the margin m = y f(x)",
                "margin y f(x)", "loss (label +1, score m)");
        // Grey: the reference the others bound from above, not a library loss.
        Plots.line(classification, "0-1: [m < 0]", margin, map(margin, m -> m < 0 ? 1 : 0), Color.GRAY);
        int i = 0;
        for (Curve c : classificationCurves()) {
            results.add(draw(classification, c, margin, i++, out));
        }
        classification.getStyler().setYAxisMin(0.0).setYAxisMax(4.0);
        Plots.save(out.png("classification"), classification);

        XYChart regression = Plots.chart("Regression losses against the residual r = prediction - label",
                "residual r", "loss");
        i = 0;
        for (Curve c : regressionCurves()) {
            results.add(draw(regression, c, residual, i++, out));
        }
        regression.getStyler().setYAxisMin(0.0).setYAxisMax(6.0).setLegendPosition(LegendPosition.InsideN);
        Plots.save(out.png("regression"), regression);
        return results;
    }

    /** One library loss, the inputs it sees for a point of the x axis, and the closed form to check it against. */
    private record Curve(String name, String legend, ILossFunction loss, IActivation activation, double label,
                         DoubleUnaryOperator closedForm) {
    }

    private static List<Curve> classificationCurves() {
        IActivation identity = new ActivationIdentity();
        IActivation sigmoid = new ActivationSigmoid();
        return List.of(
                new Curve("HingeLoss", "hinge: max(0, 1 - m)", new HingeLoss(), identity, 1,
                        m -> Math.max(0, 1 - m)),
                new Curve("HingeLoss(squared)", "squared hinge: max(0, 1 - m)\u00b2",
                        HingeLoss.builder().squared(true).build(), identity, 1,
                        m -> Math.pow(Math.max(0, 1 - m), 2)),
                new Curve("BinaryCrossEntropyLoss", "logistic (cross-entropy): ln(1 + e\u207b\u1d50)",
                        new BinaryCrossEntropyLoss(), sigmoid, 1, LossCurvesExample::logistic),
                new Curve("FocalLoss(gamma=2)", "focal, \u03b3 = 2: (1 - p)\u00b2 ln(1 + e\u207b\u1d50)",
                        FocalLoss.builder().gamma(2).alpha(-1).build(), sigmoid, 1,
                        m -> Math.pow(1 - sigmoid(m), 2) * logistic(m)),
                new Curve("PolyLoss(epsilon=1)", "Poly-1, \u03b5 = 1: ln(1 + e\u207b\u1d50) + (1 - p)",
                        new PolyLoss(), sigmoid, 1, m -> logistic(m) + 1 - sigmoid(m)));
    }

    private static List<Curve> regressionCurves() {
        IActivation identity = new ActivationIdentity();
        double d = HUBER_DELTA;
        return List.of(
                new Curve("MaeLoss", "L1 (MAE): |r|", new MaeLoss(), identity, 0, Math::abs),
                new Curve("MseLoss", "L2 (MSE): r\u00b2", new MseLoss(), identity, 0, r -> r * r),
                new Curve("HuberLoss(delta=" + d + ")", "Huber, \u03b4 = " + d + ": \u00bdr\u00b2, then slope \u03b4",
                        HuberLoss.builder().delta(d).build(), identity, 0,
                        r -> Math.abs(r) <= d ? 0.5 * r * r : d * (Math.abs(r) - 0.5 * d)),
                new Curve("SmoothL1Loss(beta=" + d + ")", "Smooth L1, \u03b2 = " + d + ": Huber / \u03b4 (slope 1)",
                        SmoothL1Loss.builder().beta(d).build(), identity, 0,
                        r -> Math.abs(r) < d ? 0.5 * r * r / d : Math.abs(r) - 0.5 * d));
    }

    /** Evaluates a loss along the axis through the library, draws it, and returns its deviation from the closed form. */
    private static Result draw(XYChart chart, Curve c, double[] x, int series, Output out) {
        long start = System.nanoTime();
        double[] y = libraryLoss(c, x);
        double seconds = (System.nanoTime() - start) / 1e9;
        double worst = 0;
        for (int k = 0; k < x.length; k++) {
            worst = Math.max(worst, Math.abs(y[k] - c.closedForm().applyAsDouble(x[k])));
        }
        Plots.line(chart, c.legend(), x, y, Plots.color(series));
        out.progress("%-28s at %+.0f: %.4f  at 0: %.4f  at %+.0f: %.4f   max |library - closed form| %.1e", c.name(),
                x[0], y[0], y[java.util.Arrays.binarySearch(x, 0.0)], x[x.length - 1], y[x.length - 1], worst);
        return new Result("loss-curves", c.name(), "max deviation from formula", worst, seconds);
    }

    /**
     * The per-row losses {@code computeScoreArray} gives for one row per axis point: the score is
     * the point (a margin with label +1, or a residual with label 0), in double precision.
     */
    static double[] libraryLoss(Curve c, double[] x) {
        INDArray preOutput = Nd4j.createFromArray(x).castTo(DataType.DOUBLE).reshape(x.length, 1);
        INDArray labels = Nd4j.valueArrayOf(new long[] {x.length, 1}, c.label(), DataType.DOUBLE);
        return c.loss().computeScoreArray(labels, preOutput, c.activation(), null).reshape(x.length).toDoubleVector();
    }

    /**
     * {@code POINTS} evenly spaced values from {@code from} to {@code to}, plus 0 and 1 where the
     * 0-1 loss steps and the hinges bend, in increasing order. (The extra points also keep the
     * spacing uneven: XChart ticks an evenly spaced axis at multiples of its spacing, 0, 0.4,
     * 0.8, ..., rather than at round numbers.)
     */
    private static double[] grid(double from, double to) {
        return java.util.stream.DoubleStream.concat(
                java.util.stream.IntStream.range(0, POINTS).mapToDouble(k -> from + (to - from) * k / (POINTS - 1)),
                java.util.stream.DoubleStream.of(0, 1)).sorted().distinct().toArray();
    }

    private static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            y[k] = f.applyAsDouble(x[k]);
        }
        return y;
    }

    private static double sigmoid(double m) {
        return 1 / (1 + Math.exp(-m));
    }

    /** ln(1 + e^-m), stable for both signs. */
    private static double logistic(double m) {
        return Math.max(-m, 0) + Math.log1p(Math.exp(-Math.abs(m)));
    }
}
