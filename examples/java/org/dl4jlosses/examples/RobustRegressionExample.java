package org.dl4jlosses.examples;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.dl4jlosses.regression.HuberLoss;
import org.dl4jlosses.regression.MaeLoss;
import org.dl4jlosses.regression.MeanBiasError;
import org.dl4jlosses.regression.MseLoss;
import org.dl4jlosses.regression.SmoothL1Loss;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Example 5: regression through gross outliers. 400 points of a smooth curve with noise of 0.1,
 * of which about one in ten is thrown 3 to 6 above it. MSE, MAE, Huber and Smooth L1 fit the
 * same network from the same weights, full batch; the RMSE against the clean curve (which no loss
 * ever sees) and the library's {@code MeanBiasError} against it show which losses the outliers drag.
 *
 * <p>What it shows: MSE follows the outliers' mean and sits well above the curve (a large
 * negative mean bias, clean minus fit). MAE fits the conditional median and ignores them. Huber
 * and Smooth L1 are quadratic near zero and linear beyond their knee; with the knee at the noise
 * scale (Smooth L1, beta = 0.1) they are as robust as MAE, while Huber's default knee of 1, ten
 * times the noise, leaves the inliers a small quadratic pull against each outlier's full linear
 * one, and a visible upward bias remains. (Huber(delta) is delta times Smooth L1(beta = delta),
 * so the knee, not the name, is the difference.)
 */
public final class RobustRegressionExample implements Example {
    static final long SEED = 31;
    private static final int POINTS = 400;
    private static final double OUTLIER_RATE = 0.1;
    private static final int EPOCHS = 800;
    private static final double LR = 0.01;
    private static final int[] HIDDEN = {32, 32};

    @Override
    public String name() {
        return "robust-regression";
    }

    @Override
    public List<String> aliases() {
        return List.of("regression", "huber", "outliers");
    }

    @Override
    public String description() {
        return "curve with 10% gross outliers: MSE vs MAE vs Huber vs Smooth L1; error and mean bias against the clean curve";
    }

    /** The clean function the noisy points come from. */
    static double clean(double x) {
        return Math.sin(1.5 * x) + 0.3 * x;
    }

    @Override
    public List<Result> run(Budget budget, Output out) throws IOException {
        Random random = new Random(SEED);
        double[][] x = new double[POINTS][1];
        double[][] y = new double[POINTS][1];
        boolean[] outlier = new boolean[POINTS];
        for (int i = 0; i < POINTS; i++) {
            x[i][0] = -3 + 6 * random.nextDouble();
            outlier[i] = random.nextDouble() < OUTLIER_RATE;
            // Outliers land 3 to 6 above the curve: one-sided, so they bias a mean-seeking loss upwards.
            y[i][0] = clean(x[i][0]) + 0.1 * random.nextGaussian() + (outlier[i] ? 3 + 3 * random.nextDouble() : 0);
        }
        DataSet train = new DataSet(Training.matrix(x), Training.matrix(y));
        double[] grid = new double[301];
        double[][] gridRows = new double[grid.length][1];
        double[] truth = new double[grid.length];
        for (int k = 0; k < grid.length; k++) {
            grid[k] = -3 + 6.0 * k / (grid.length - 1);
            gridRows[k][0] = grid[k];
            truth[k] = clean(grid[k]);
        }
        INDArray gridFeatures = Training.matrix(gridRows);
        int epochs = budget.epochs(EPOCHS);
        int outliers = 0;
        for (boolean o : outlier) {
            outliers += o ? 1 : 0;
        }
        out.progress("%d points, %d of them outliers; error measured on %d points of the clean curve; %d epochs",
                POINTS, outliers, grid.length, epochs);

        Map<String, ILossFunction> losses = new LinkedHashMap<>();
        losses.put("MseLoss", new MseLoss());
        losses.put("MaeLoss", new MaeLoss());
        losses.put("HuberLoss(delta=1)", new HuberLoss());
        losses.put("SmoothL1Loss(beta=0.1)", SmoothL1Loss.builder().beta(0.1).build());

        List<Result> results = new ArrayList<>();
        List<Training.Curve> curves = new ArrayList<>();
        XYChart fits = Plots.chart("Fits through 10% gross outliers", "x", "y", 960, 520);
        Plots.points(fits, "inliers", column(x, outlier, false), column(y, outlier, false), Color.LIGHT_GRAY, Color.GRAY, 5);
        Plots.points(fits, "outliers", column(x, outlier, true), column(y, outlier, true), new Color(0xF4B6B6),
                new Color(0xC04040), 5);
        Plots.dashed(fits, "clean curve", grid, truth, Color.BLACK);
        int series = 0;
        for (Map.Entry<String, ILossFunction> e : losses.entrySet()) {
            MultiLayerNetwork net = Training.mlp(SEED, LR, 1, HIDDEN, 1, Activation.IDENTITY, e.getValue());
            Training.Curve curve = Training.fit(e.getKey(), net, train, epochs, POINTS, SEED,
                    "RMSE vs clean curve", n -> Metrics.rmse(column(Training.predict(n, gridFeatures)), truth), 20, out);
            curves.add(curve);
            double[] fit = column(Training.predict(net, gridFeatures));
            double rmse = Metrics.rmse(fit, truth);
            // The library's metric, labels = the clean curve: negative when the fit sits above it.
            double bias = MeanBiasError.of(Nd4j.createFromArray(asRows(truth)), Nd4j.createFromArray(asRows(fit))).overall();
            out.progress("%-28s RMSE vs clean %.4f  mean bias error (clean - fit) %+.4f", e.getKey(), rmse, bias);
            results.add(new Result(name(), e.getKey(), "RMSE vs clean curve", rmse, curve.seconds()));
            results.add(new Result(name(), e.getKey(), "mean bias error", bias, curve.seconds()));
            Plots.line(fits, String.format(Locale.ROOT, "%s (RMSE %.3f)", e.getKey(), rmse), grid, fit,
                    Plots.color(series++));
        }
        fits.getStyler().setYAxisMin(-2.5).setYAxisMax(7.0).setLegendPosition(LegendPosition.OutsideE);
        Plots.save(out.png("fits"), fits);
        Plots.saveCurves(out.png("curves"), "outliers", curves, true);
        return results;
    }

    private static double[] column(double[][] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i][0];
        }
        return out;
    }

    private static double[] column(double[][] rows, boolean[] keep, boolean wanted) {
        List<Double> kept = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            if (keep[i] == wanted) {
                kept.add(rows[i][0]);
            }
        }
        return kept.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[][] asRows(double[] values) {
        double[][] rows = new double[values.length][1];
        for (int i = 0; i < values.length; i++) {
            rows[i][0] = values[i];
        }
        return rows;
    }
}
