package org.dl4jlosses.examples;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.ranking.MarginRankingLoss;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Example 10: learning to rank from pairwise preferences. Items have 5 features and a hidden
 * utility (non-linear in them); the training data are only pairs "a is preferred to b", 10% of
 * them flipped, as clicks or human judgements would give. One scorer network embeds every item
 * (the BLOCKS layout: rows 0..N-1 are the first items of the pairs, rows N..2N-1 the second, so
 * the same weights score both) and {@code MarginRankingLoss} trains it on the score differences.
 * The metric is the fraction of held-out pairs, between items never seen in training, that the
 * scores order like the true utility.
 *
 * <p>What it shows: a margin of 0 stops pushing a pair as soon as it is ordered, so the scores
 * of most pairs stay barely apart and generalise poorly; a positive margin keeps separating pairs
 * until they are clearly ordered (measured at full budget: held-out pairwise accuracy 0.80 with
 * margin 0, 0.89 with 0.1, 0.87 with 1). Training is full batch: a shuffled minibatch would split
 * the pairs across the two blocks.
 */
public final class RankingExample implements Example {
    static final long SEED = 41;
    private static final int FEATURES = 5;
    private static final int TRAIN_ITEMS = 300;
    private static final int TEST_ITEMS = 200;
    private static final int TRAIN_PAIRS = 1500;
    private static final int TEST_PAIRS = 4000;
    private static final double FLIP = 0.1;
    private static final int EPOCHS = 300;
    private static final double LR = 0.01;
    private static final int[] HIDDEN = {32, 16};

    @Override
    public String name() {
        return "ranking";
    }

    @Override
    public List<String> aliases() {
        return List.of("margin-ranking", "learning-to-rank");
    }

    @Override
    public String description() {
        return "learning to rank from noisy pairwise preferences: MarginRankingLoss margins 0, 0.1, 1; held-out pairwise accuracy";
    }

    /** The hidden utility of an item. */
    static double utility(double[] x) {
        return x[0] + Math.sin(2 * x[1]) - 0.5 * x[2] * x[2] + 0.5 * x[3] * x[4];
    }

    @Override
    public List<Result> run(Budget budget, Output out) throws IOException {
        Random random = new Random(SEED);
        double[][] train = items(TRAIN_ITEMS, random);
        double[][] test = items(TEST_ITEMS, random);
        int[][] trainPairs = pairs(TRAIN_ITEMS, TRAIN_PAIRS, random);
        int[][] testPairs = pairs(TEST_ITEMS, TEST_PAIRS, random);

        // BLOCKS [2N, F]: first items, then second items; labels [2N, 1], block 0's read.
        double[][] x = new double[2 * TRAIN_PAIRS][];
        double[][] y = new double[2 * TRAIN_PAIRS][1];
        int flipped = 0;
        for (int i = 0; i < TRAIN_PAIRS; i++) {
            double[] a = train[trainPairs[i][0]];
            double[] b = train[trainPairs[i][1]];
            x[i] = a;
            x[TRAIN_PAIRS + i] = b;
            double label = utility(a) > utility(b) ? 1 : -1;
            if (random.nextDouble() < FLIP) {
                label = -label;
                flipped++;
            }
            y[i][0] = label;
            y[TRAIN_PAIRS + i][0] = label;
        }
        DataSet data = new DataSet(Training.matrix(x), Training.matrix(y));
        INDArray testFeatures = Training.matrix(test);
        double[] testUtility = new double[TEST_ITEMS];
        for (int i = 0; i < TEST_ITEMS; i++) {
            testUtility[i] = utility(test[i]);
        }
        int epochs = budget.epochs(EPOCHS);
        out.progress("%d training pairs over %d items (%d labels flipped); %d held-out pairs over %d other items; %d epochs",
                TRAIN_PAIRS, TRAIN_ITEMS, flipped, TEST_PAIRS, TEST_ITEMS, epochs);

        Map<String, MarginRankingLoss> losses = new LinkedHashMap<>();
        losses.put("MarginRankingLoss(margin=0)", new MarginRankingLoss());
        losses.put("MarginRankingLoss(margin=0.1)", MarginRankingLoss.builder().margin(0.1).build());
        losses.put("MarginRankingLoss(margin=1)", MarginRankingLoss.builder().margin(1.0).build());

        List<Result> results = new ArrayList<>();
        List<Training.Curve> curves = new ArrayList<>();
        XYChart scatter = Plots.chart("Learned score vs hidden utility (held-out items)", "true utility",
                "score (standardised)");
        int series = 0;
        for (Map.Entry<String, MarginRankingLoss> e : losses.entrySet()) {
            MultiLayerNetwork net = Training.mlp(SEED, LR, FEATURES, HIDDEN, 1, Activation.IDENTITY, e.getValue());
            Training.Curve curve = Training.fit(e.getKey(), net, data, epochs, 2 * TRAIN_PAIRS, SEED,
                    "held-out pairwise accuracy", n -> pairwiseAccuracy(scores(n, testFeatures), testUtility, testPairs),
                    15, out);
            curves.add(curve);
            double[] scores = scores(net, testFeatures);
            double accuracy = pairwiseAccuracy(scores, testUtility, testPairs);
            out.progress("%-30s held-out pairwise accuracy %.4f", e.getKey(), accuracy);
            results.add(new Result(name(), e.getKey(), "held-out pairwise accuracy", accuracy, curve.seconds()));
            Plots.points(scatter, String.format(Locale.ROOT, "%s (%.3f)", e.getKey(), accuracy), testUtility,
                    standardised(scores), Plots.tint(Plots.color(series), 0.4), Plots.color(series), 5);
            series++;
        }
        Plots.save(out.png("scores"), scatter);
        Plots.saveCurves(out.png("curves"), "pairwise preferences", curves, false);
        return results;
    }

    private static double[][] items(int n, Random random) {
        double[][] x = new double[n][FEATURES];
        for (double[] row : x) {
            for (int j = 0; j < FEATURES; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return x;
    }

    private static int[][] pairs(int items, int n, Random random) {
        int[][] pairs = new int[n][2];
        for (int[] p : pairs) {
            p[0] = random.nextInt(items);
            do {
                p[1] = random.nextInt(items);
            } while (p[1] == p[0]);
        }
        return pairs;
    }

    private static double[] scores(MultiLayerNetwork net, INDArray features) {
        double[][] rows = Training.predict(net, features);
        double[] s = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            s[i] = rows[i][0];
        }
        return s;
    }

    /** The fraction of pairs whose scores are ordered like their utilities. */
    static double pairwiseAccuracy(double[] scores, double[] utility, int[][] pairs) {
        int right = 0;
        for (int[] p : pairs) {
            if ((scores[p[0]] - scores[p[1]]) * (utility[p[0]] - utility[p[1]]) > 0) {
                right++;
            }
        }
        return (double) right / pairs.length;
    }

    private static double[] standardised(double[] v) {
        double mean = 0;
        for (double d : v) {
            mean += d / v.length;
        }
        double var = 0;
        for (double d : v) {
            var += (d - mean) * (d - mean) / v.length;
        }
        double sd = Math.sqrt(var) + 1e-12;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (v[i] - mean) / sd;
        }
        return out;
    }
}
