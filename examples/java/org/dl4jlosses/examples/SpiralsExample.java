package org.dl4jlosses.examples;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Example 4: three interleaved noisy spirals, a boundary no straight line can draw. Softmax
 * cross-entropy, the two multi-class hinges (Crammer-Singer on the strongest wrong class,
 * Weston-Watkins on every wrong class, both on raw scores) and Poly-1 train the same network from
 * the same weights, full batch; held-out accuracy, its curve and the decision regions compare them.
 *
 * <p>What it shows: all four learn the spirals, at different speeds. Crammer-Singer's gradient
 * touches only the true class and the strongest wrong one, and none once a row clears the
 * margin, so it needs the most epochs; Weston-Watkins pushes every wrong class and is quicker;
 * the softmax losses, whose gradients never vanish, are the quickest.
 */
public final class SpiralsExample implements Example {
    static final long SEED = 23;
    static final int CLASSES = 3;
    private static final int PER_CLASS = 300;
    private static final int EPOCHS = 800;
    private static final double LR = 0.01;
    /** Radians an arm turns from its start to radius 1 (about 1.3 turns). */
    private static final double TURN = 8;
    /** Standard deviation of the angular noise (radians): enough that held-out points cross arms. */
    private static final double NOISE = 0.4;
    private static final int[] HIDDEN = {32, 32};
    /** The plotted square: the spirals reach radius 1. */
    private static final double[] BOX = {-1.25, 1.25, -1.25, 1.25};

    @Override
    public String name() {
        return "spirals";
    }

    @Override
    public List<String> aliases() {
        return List.of("hinge", "multiclass");
    }

    @Override
    public String description() {
        return "three spirals: cross-entropy vs hinge (Crammer-Singer, Weston-Watkins) vs Poly-1; held-out accuracy";
    }

    @Override
    public List<Result> run(Budget budget, Output out) throws IOException {
        DataSet train = spirals(PER_CLASS, new Random(SEED));
        DataSet test = spirals(PER_CLASS, new Random(SEED + 1));
        double[][] trainPoints = Training.rows(train.getFeatures());
        int[] trainClasses = Metrics.argMax(Training.rows(train.getLabels()));
        double[][] testPoints = Training.rows(test.getFeatures());
        int[] truth = Metrics.argMax(Training.rows(test.getLabels()));
        int epochs = budget.epochs(EPOCHS);
        out.progress("%d training and %d held-out points in %d classes; full-batch Adam, %d epochs",
                train.numExamples(), test.numExamples(), CLASSES, epochs);

        // Softmax for the probabilistic losses; raw scores (identity) for the hinges, as SVMs use them.
        Map<String, Head> heads = new LinkedHashMap<>();
        heads.put("CrossEntropyLoss", new Head(new CrossEntropyLoss(), Activation.SOFTMAX));
        heads.put("HingeLoss(CRAMMER_SINGER)",
                new Head(HingeLoss.builder().mode(HingeLoss.Mode.CRAMMER_SINGER).build(), Activation.IDENTITY));
        heads.put("HingeLoss(WESTON_WATKINS)",
                new Head(HingeLoss.builder().mode(HingeLoss.Mode.WESTON_WATKINS).build(), Activation.IDENTITY));
        heads.put("PolyLoss(epsilon=1)", new Head(new PolyLoss(), Activation.SOFTMAX));

        List<Result> results = new ArrayList<>();
        List<Training.Curve> curves = new ArrayList<>();
        List<XYChart> panels = new ArrayList<>();
        for (Map.Entry<String, Head> e : heads.entrySet()) {
            MultiLayerNetwork net = Training.mlp(SEED, LR, 2, HIDDEN, CLASSES, e.getValue().activation(), e.getValue().loss());
            Training.Curve curve = Training.fit(e.getKey(), net, train, epochs, train.numExamples(), SEED,
                    "held-out accuracy", n -> Metrics.accuracy(decide(n, testPoints), truth), 20, out);
            curves.add(curve);
            double accuracy = curve.finalMetric();
            results.add(new Result(name(), e.getKey(), "held-out accuracy", accuracy, curve.seconds()));
            panels.add(regions(e.getKey(), accuracy, net, trainPoints, trainClasses));
        }
        Plots.saveGrid(out.png("regions"), 2, panels);
        Plots.saveCurves(out.png("curves"), "spirals", curves, true);
        return results;
    }

    private record Head(ILossFunction loss, Activation activation) {
    }

    static int[] decide(MultiLayerNetwork net, double[][] points) {
        return Metrics.argMax(Training.predict(net, Training.matrix(points)));
    }

    private static XYChart regions(String loss, double accuracy, MultiLayerNetwork net, double[][] points, int[] classes) {
        XYChart chart = Plots.chart(String.format(java.util.Locale.ROOT, "%s: held-out accuracy %.3f", loss, accuracy),
                "x1", "x2");
        Plots.decisionRegions(chart, BOX, 110, p -> decide(net, p), CLASSES, 0.65);
        for (int c = 0; c < CLASSES; c++) {
            List<double[]> mine = new ArrayList<>();
            for (int i = 0; i < points.length; i++) {
                if (classes[i] == c) {
                    mine.add(points[i]);
                }
            }
            Plots.points(chart, "class " + c, mine.stream().mapToDouble(p -> p[0]).toArray(),
                    mine.stream().mapToDouble(p -> p[1]).toArray(), Plots.color(c), java.awt.Color.WHITE, 6);
        }
        chart.getStyler().setLegendVisible(false);
        return chart;
    }

    /**
     * {@code perClass} points on each of three spiral arms: radius t in (0, 1], angle
     * {@code TURN t + c 2 pi / 3} plus Gaussian angular noise of {@code NOISE} radians.
     */
    static DataSet spirals(int perClass, Random random) {
        double[][] x = new double[CLASSES * perClass][2];
        double[][] y = new double[CLASSES * perClass][CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            for (int i = 0; i < perClass; i++) {
                int row = c * perClass + i;
                double t = (i + 1) / (double) perClass;
                double angle = TURN * t + c * 2 * Math.PI / CLASSES + NOISE * random.nextGaussian();
                x[row][0] = t * Math.cos(angle);
                x[row][1] = t * Math.sin(angle);
                y[row][c] = 1;
            }
        }
        return new DataSet(Training.matrix(x), Training.matrix(y));
    }
}
