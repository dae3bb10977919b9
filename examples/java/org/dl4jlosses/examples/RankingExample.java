package org.dl4jlosses.examples;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.dl4jlosses.ranking.ApproxNdcgLoss;
import org.dl4jlosses.ranking.ListMleLoss;
import org.dl4jlosses.ranking.ListwiseSoftmaxLoss;
import org.dl4jlosses.ranking.MarginRankingLoss;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Example 10: learning to rank, in two parts.
 *
 * <p>Part 1, pairwise preferences. Items have 5 features and a hidden
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
 *
 * <p>Part 2, lists with graded relevance. Each query has a list of up to 25 candidate items (30%
 * of the lists shorter, 8 to 24, padded to 25 and masked), each item 10 features (5 of them
 * distractors), judged 0 to 4 (77% of the items 0, 5% 3 or 4) from a hidden relevance that is
 * non-linear in the features, plus a shift per query that no feature shows (only the order
 * within a list can be learned), plus the judges' noise. 500 training queries, 500 held-out
 * ones. The same scorer as in part 1 (tanh 32-16, one linear score; same seed, so the same
 * initial weights for every loss) is trained for 30 epochs of 16 minibatches with
 * {@code ListwiseSoftmaxLoss}, {@code ListMleLoss}, {@code ApproxNdcgLoss} at temperatures 0.1
 * (its default) and 1, and, for comparison, {@code MarginRankingLoss} (margin 0.1, the best of
 * part 1) on pairs of items of different grades from the same list, drawn afresh every epoch,
 * half as many pairs as items (so every loss scores as many items per epoch). The metric is
 * NDCG@10 of the held-out lists (gains 2^grade - 1, discounts 1 / log2(1 + rank), the ideal
 * order from the judged grades; padding excluded; equal scores in item order; the 40 lists
 * without a relevant item have no NDCG and are left out), and precision@5 (share of the top 5
 * with grade 2 or more), against random scores (the mean of 20 draws) and the oracle: the hidden
 * relevance itself, which misses only by the judges' noise.
 *
 * <p>The network: a listwise loss needs the K scores of a list in one row, {@code [R, K]}, but
 * the scorer must score every item alone with the same weights (a network that reads the whole
 * list could score an item by its neighbours). So a list is one row of K items' features, which
 * {@code FeedForwardToCnnPreProcessor} turns into {@code [R, D, 1, K]}: D channels over K
 * positions, and the hidden layers are 1x1 convolutions, a dense layer applied to every position
 * alone. {@code CnnToFeedForwardPreProcessor} flattens the scores {@code [R, 1, 1, K]} to
 * {@code [R, K]} for a {@code LossLayer}, and {@code fit} takes the element mask as the labels'
 * mask: no custom training loop and no hand-written backpropagation. (An {@code RnnLossLayer}
 * would hand the loss one row per position, not per list.) The weights do not depend on K: the
 * pairwise scorer is the same network for lists of 2 ({@code MarginRankingLoss}'s {@code [N, 2]}
 * layout), and every trained scorer is evaluated on single items by copying its weights into the
 * network for K = 1.
 *
 * <p>What it shows: every loss learns to rank from far below (random scores: NDCG@10 0.29) to
 * near the oracle (0.95), and none clearly beats pairwise training on this data (measured at full
 * budget, NDCG@10: pairs 0.918, {@code ListwiseSoftmaxLoss} 0.921, {@code ListMleLoss} 0.896,
 * {@code ApproxNdcgLoss} 0.894 at temperature 0.1 and 0.903 at 1). Over data seeds 42, 43 and 44
 * the listwise softmax and the pairs stay within 0.011 of each other and take turns ahead
 * (0.921 / 0.918, 0.914 / 0.925, 0.922 / 0.914); {@code ListMleLoss} (0.896, 0.907, 0.906) and
 * {@code ApproxNdcgLoss} at 0.1 (0.894, 0.900, 0.900) stay 0.01 to 0.03 behind the softmax at each.
 * ListMLE must also order the 17 or so items of grade 0 in a list among themselves, by their
 * arbitrary positions: likely what costs it. ApproxNDCG, the only loss that targets NDCG itself,
 * does not do better for it: at temperature 0.1 its smooth ranks are nearly steps, with gradients
 * only between close scores; temperature 1 did as well or better at each seed (0.903, 0.901,
 * 0.916). From epoch to epoch the held-out NDCG@10 of one loss moves by up to 0.01, as much as
 * most of the gaps between the losses. (Measured separately, with a scorer of 4 hidden units: after
 * 30 epochs at learning rate 0.01 the softmax led the pairs by 0.03 to 0.07 at the three seeds,
 * still 0.05 and 0.06 after 60 at two of them; at learning rate 0.03, after 40 epochs, by 0.001,
 * 0.002 and 0.035: the softmax learned faster more than it learned better.)
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

    // Part 2: lists of candidates with graded relevance.
    /** The seed of part 2's data and of its networks' initial weights (the same for every loss). */
    static final long LIST_SEED = 42;
    static final int ITEM_FEATURES = 10;
    /** K, the longest list: shorter lists are padded to it, and the padding masked. */
    static final int LIST_LENGTH = 25;
    private static final int SHORTEST = 8;
    private static final double SHORT_SHARE = 0.3;
    private static final int TRAIN_LISTS = 500;
    private static final int TEST_LISTS = 500;
    /** Standard deviations of a query's centre of its candidates' features, of its shift of their relevance, of the judges' noise. */
    private static final double QUERY_CENTRE = 0.5;
    private static final double QUERY_SHIFT = 0.5;
    private static final double JUDGE_NOISE = 0.5;
    /** An item's grade g >= 1 when its judged relevance exceeds {@code THRESHOLDS[g - 1]}. */
    private static final double[] THRESHOLDS = {0.6, 1.6, 2.5, 3.4};
    private static final int LIST_EPOCHS = 30;
    private static final int LIST_BATCH = 32;
    private static final double PAIR_MARGIN = 0.1;
    /** Pairs sampled per item of a list, afresh every epoch: two items per pair, so as many items scored as the listwise losses score. */
    private static final double PAIRS_PER_ITEM = 0.5;
    private static final int CUTOFF = 10;
    private static final int RANDOM_DRAWS = 20;

    static final String LISTS = "lists: ";
    static final String PAIRWISE = LISTS + "MarginRankingLoss(margin=0.1, sampled pairs)";
    static final String SOFTMAX = LISTS + "ListwiseSoftmaxLoss";
    static final String MLE = LISTS + "ListMleLoss";
    static final String APPROX = LISTS + "ApproxNdcgLoss(temperature=0.1)";
    static final String APPROX_1 = LISTS + "ApproxNdcgLoss(temperature=1)";
    static final String RANDOM = LISTS + "random scores";
    static final String ORACLE = LISTS + "hidden relevance (oracle)";
    static final String NDCG = "held-out NDCG@10";
    static final String PRECISION = "held-out precision@5 (grade >= 2)";

    @Override
    public String name() {
        return "ranking";
    }

    @Override
    public List<String> aliases() {
        return List.of("margin-ranking", "learning-to-rank", "listwise");
    }

    @Override
    public String description() {
        return "learning to rank: noisy pairwise preferences, MarginRankingLoss margins 0, 0.1, 1 (held-out pairwise accuracy);"
                + " lists with graded relevance, ListwiseSoftmaxLoss, ListMleLoss, ApproxNdcgLoss vs sampled pairs (held-out NDCG@10)";
    }

    /** The hidden utility of an item. */
    static double utility(double[] x) {
        return x[0] + Math.sin(2 * x[1]) - 0.5 * x[2] * x[2] + 0.5 * x[3] * x[4];
    }

    @Override
    public List<Result> run(Budget budget, Output out) throws IOException {
        List<Result> results = new ArrayList<>(preferences(budget, out));
        results.addAll(lists(budget, out, LIST_SEED));
        return results;
    }

    /** Part 1: noisy preferences between pairs of items, {@code MarginRankingLoss} with three margins. */
    private List<Result> preferences(Budget budget, Output out) throws IOException {
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

    /**
     * The hidden relevance of an item, before its query's shift and the judges' noise. Feature 2
     * matters only among items with a high feature 0, the best candidates; features 3 and 6 to 9
     * are distractors.
     */
    static double relevance(double[] x) {
        return x[0] + 0.8 * Math.sin(2 * x[1]) - 0.4 * x[4] * x[4] + 0.5 * Math.tanh(2 * x[5])
                + 1.5 * Math.max(0, x[0] - 0.5) * x[2];
    }

    /**
     * Queries' candidate lists: {@code items[q][i]} the features of item i of query q,
     * {@code grades[q][i]} its judged grade (0 to 4), {@code relevance[q][i]} its hidden relevance
     * without the judges' noise. Lists have their own lengths; padding exists only in {@link #dataSet}.
     */
    record Lists(double[][][] items, int[][] grades, double[][] relevance) {
        int size() {
            return items.length;
        }
    }

    /**
     * {@code n} queries. Each has a centre of its candidates' features and a shift of their
     * relevance that no feature shows: the same item can be a 3 for one query and a 1 for another,
     * so only the order within a list can be learned. 70% of the lists have {@link #LIST_LENGTH}
     * items, the others 8 to 24.
     */
    static Lists queries(int n, Random random) {
        double[][][] items = new double[n][][];
        int[][] grades = new int[n][];
        double[][] relevance = new double[n][];
        for (int q = 0; q < n; q++) {
            int length = random.nextDouble() < SHORT_SHARE ? SHORTEST + random.nextInt(LIST_LENGTH - SHORTEST)
                    : LIST_LENGTH;
            double[] centre = new double[ITEM_FEATURES];
            for (int d = 0; d < ITEM_FEATURES; d++) {
                centre[d] = QUERY_CENTRE * random.nextGaussian();
            }
            double shift = QUERY_SHIFT * random.nextGaussian();
            items[q] = new double[length][ITEM_FEATURES];
            grades[q] = new int[length];
            relevance[q] = new double[length];
            for (int i = 0; i < length; i++) {
                for (int d = 0; d < ITEM_FEATURES; d++) {
                    items[q][i][d] = centre[d] + random.nextGaussian();
                }
                relevance[q][i] = relevance(items[q][i]);
                double judged = relevance[q][i] + shift + JUDGE_NOISE * random.nextGaussian();
                int g = 0;
                while (g < THRESHOLDS.length && judged > THRESHOLDS[g]) {
                    g++;
                }
                grades[q][i] = g;
            }
        }
        return new Lists(items, grades, relevance);
    }

    /**
     * The lists as the network takes them, one list per row: features {@code [R, D K]} with
     * feature d of item i in column {@code d K + i} (what {@code FeedForwardToCnnPreProcessor}
     * turns into {@code [R, D, 1, K]}: D channels over K positions), grades {@code [R, K]}, and the
     * element mask {@code [R, K]}, 1 for an item and 0 for padding (zero features, grade 0).
     */
    static DataSet dataSet(Lists lists, int k) {
        int r = lists.size();
        double[][] x = new double[r][ITEM_FEATURES * k];
        double[][] y = new double[r][k];
        double[][] mask = new double[r][k];
        for (int q = 0; q < r; q++) {
            for (int i = 0; i < lists.items[q].length; i++) {
                for (int d = 0; d < ITEM_FEATURES; d++) {
                    x[q][d * k + i] = lists.items[q][i][d];
                }
                y[q][i] = lists.grades[q][i];
                mask[q][i] = 1;
            }
        }
        return new DataSet(Training.matrix(x), Training.matrix(y), null, Training.matrix(mask));
    }

    /**
     * Pairs sampled from the lists, in the lists' {@code order}: from each list, {@link #PAIRS_PER_ITEM}
     * pairs per item, each two items of different grades drawn at random. A pair is a list of two
     * items (features {@code [N, 2 D]} laid out as in {@link #dataSet}), its label +1 when the
     * first has the higher grade, else -1: {@code MarginRankingLoss}'s {@code [N, 2]} layout.
     */
    static DataSet pairs(Lists lists, int[] order, Random random) {
        List<double[]> x = new ArrayList<>();
        List<double[]> y = new ArrayList<>();
        for (int q : order) {
            int[] g = lists.grades[q];
            if (Arrays.stream(g).distinct().count() < 2) {
                continue;
            }
            int n = (int) Math.round(PAIRS_PER_ITEM * g.length);
            for (int p = 0; p < n; p++) {
                int a;
                int b;
                do {
                    a = random.nextInt(g.length);
                    b = random.nextInt(g.length);
                } while (g[a] == g[b]);
                double[] row = new double[2 * ITEM_FEATURES];
                for (int d = 0; d < ITEM_FEATURES; d++) {
                    row[2 * d] = lists.items[q][a][d];
                    row[2 * d + 1] = lists.items[q][b][d];
                }
                x.add(row);
                y.add(new double[] {g[a] > g[b] ? 1 : -1});
            }
        }
        return new DataSet(Training.matrix(x.toArray(new double[0][])), Training.matrix(y.toArray(new double[0][])));
    }

    /**
     * The item scorer, laid out for lists of {@code k} items: the hidden layers of part 1 (tanh
     * 32, 16, then one linear score) as 1x1 convolutions over the K positions of a list with an
     * item's D features as channels, so that every item is scored alone by the same weights; the
     * scores {@code [R, 1, 1, K]} are flattened to {@code [R, K]}, one list per row, for a
     * {@code LossLayer} with the loss. The weights do not depend on {@code k} (the same seed gives
     * the same initial weights for any k), so a network trained on lists of 25 or pairs scores
     * single items with the same weights in a network for k = 1.
     */
    static MultiLayerNetwork scorer(int k, ILossFunction loss, long seed) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(LR))
                .weightInit(WeightInit.XAVIER)
                .list();
        int width = ITEM_FEATURES;
        for (int h : HIDDEN) {
            list.layer(new ConvolutionLayer.Builder(1, 1).nIn(width).nOut(h).activation(Activation.TANH).build());
            width = h;
        }
        list.layer(new ConvolutionLayer.Builder(1, 1).nIn(width).nOut(1).activation(Activation.IDENTITY).build());
        list.layer(new LossLayer.Builder(loss).activation(Activation.IDENTITY).build());
        list.inputPreProcessor(0, new FeedForwardToCnnPreProcessor(1, k, ITEM_FEATURES));
        list.inputPreProcessor(HIDDEN.length + 1, new CnnToFeedForwardPreProcessor(1, k, 1));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /** What one network of part 2 recorded: held-out NDCG@10 at the probe epochs, its final scores per test list, the seconds. */
    private record ListRun(String loss, double[] probeEpochs, double[] ndcg, double[][] scores, double seconds) {
    }

    /** Part 2: NDCG@10 of held-out lists, listwise losses against pairs sampled within the lists. */
    List<Result> lists(Budget budget, Output out, long seed) throws IOException {
        Random random = new Random(seed);
        Lists train = queries(TRAIN_LISTS, random);
        Lists test = queries(TEST_LISTS, random);
        DataSet trainLists = dataSet(train, LIST_LENGTH);
        double[][] testItems = Arrays.stream(test.items).flatMap(Arrays::stream).toArray(double[][]::new);
        INDArray testFeatures = Training.matrix(testItems);
        int epochs = budget.epochs(LIST_EPOCHS);
        int steps = (TRAIN_LISTS + LIST_BATCH - 1) / LIST_BATCH;
        int[] histogram = new int[THRESHOLDS.length + 1];
        int padded = 0;
        for (int[] g : train.grades) {
            padded += g.length < LIST_LENGTH ? 1 : 0;
            for (int v : g) {
                histogram[v]++;
            }
        }
        long unjudged = Arrays.stream(test.grades).filter(g -> Arrays.stream(g).max().orElse(0) == 0).count();
        out.progress("%d training and %d held-out queries, lists of up to %d items (%d training lists shorter, padded"
                + " and masked); training grades 0..4: %s; %d held-out lists without a relevant item (no NDCG);"
                + " %d epochs of %d minibatches", TRAIN_LISTS, TEST_LISTS, LIST_LENGTH, padded,
                Arrays.toString(histogram), unjudged, epochs, steps);

        Map<String, ILossFunction> losses = new LinkedHashMap<>();
        losses.put(PAIRWISE, MarginRankingLoss.builder().margin(PAIR_MARGIN).build());
        losses.put(SOFTMAX, new ListwiseSoftmaxLoss());
        losses.put(MLE, new ListMleLoss());
        losses.put(APPROX, new ApproxNdcgLoss());
        losses.put(APPROX_1, ApproxNdcgLoss.builder().temperature(1.0).build());

        MultiLayerNetwork itemScorer = scorer(1, new ListwiseSoftmaxLoss(), seed);
        List<Result> results = new ArrayList<>();
        List<ListRun> runs = new ArrayList<>();
        for (Map.Entry<String, ILossFunction> e : losses.entrySet()) {
            boolean pairwise = e.getKey().equals(PAIRWISE);
            MultiLayerNetwork net = scorer(pairwise ? 2 : LIST_LENGTH, e.getValue(), seed);
            Random shuffle = new Random(seed + 1);
            ListRun run = fitLists(e.getKey(), net, epochs, steps, order -> pairwise ? pairs(train, order, shuffle)
                    : pull(trainLists, order), shuffle, itemScorer, testFeatures, test, out);
            runs.add(run);
            double precision = precisionAt(run.scores, test.grades, 5, 2);
            out.progress("%-50s held-out NDCG@10 %.4f, precision@5 %.4f", e.getKey(), run.ndcg[run.ndcg.length - 1],
                    precision);
            results.add(new Result(name(), e.getKey(), NDCG, run.ndcg[run.ndcg.length - 1], run.seconds));
            results.add(new Result(name(), e.getKey(), PRECISION, precision, run.seconds));
        }

        // Baselines: random scores (the mean of 20 draws) and the hidden relevance without the judges' noise.
        Random draws = new Random(seed + 2);
        double randomNdcg = 0;
        double randomPrecision = 0;
        double[][] randomNdcgAtK = new double[RANDOM_DRAWS][];
        for (int t = 0; t < RANDOM_DRAWS; t++) {
            double[][] s = new double[test.size()][];
            for (int q = 0; q < s.length; q++) {
                s[q] = draws.doubles(test.grades[q].length).toArray();
            }
            randomNdcg += meanNdcg(s, test.grades, CUTOFF) / RANDOM_DRAWS;
            randomPrecision += precisionAt(s, test.grades, 5, 2) / RANDOM_DRAWS;
            randomNdcgAtK[t] = ndcgAtK(s, test.grades);
        }
        double oracleNdcg = meanNdcg(test.relevance, test.grades, CUTOFF);
        double oraclePrecision = precisionAt(test.relevance, test.grades, 5, 2);
        out.progress("%-50s held-out NDCG@10 %.4f, precision@5 %.4f", RANDOM, randomNdcg, randomPrecision);
        out.progress("%-50s held-out NDCG@10 %.4f, precision@5 %.4f", ORACLE, oracleNdcg, oraclePrecision);
        results.add(new Result(name(), RANDOM, NDCG, randomNdcg, 0));
        results.add(new Result(name(), RANDOM, PRECISION, randomPrecision, 0));
        results.add(new Result(name(), ORACLE, NDCG, oracleNdcg, 0));
        results.add(new Result(name(), ORACLE, PRECISION, oraclePrecision, 0));

        double[] randomAtK = new double[LIST_LENGTH];
        for (double[] d : randomNdcgAtK) {
            for (int i = 0; i < LIST_LENGTH; i++) {
                randomAtK[i] += d[i] / RANDOM_DRAWS;
            }
        }
        plotLists(out.png("listwise-ndcg"), runs, test.grades, oracleNdcg, randomNdcg, ndcgAtK(test.relevance, test.grades),
                randomAtK, epochs);
        return results;
    }

    /** The rows of {@code data} in {@code order} (features, labels and mask). */
    private static DataSet pull(DataSet data, int[] order) {
        return new DataSet(Nd4j.pullRows(data.getFeatures(), 1, order), Nd4j.pullRows(data.getLabels(), 1, order), null,
                Nd4j.pullRows(data.getLabelsMaskArray(), 1, order));
    }

    /**
     * Trains a scorer for {@code epochs}: every epoch, {@code epochData} gives the epoch's rows
     * for a shuffled order of the training lists (the lists, or pairs sampled from them), fitted
     * in {@code steps} equal minibatches; held-out NDCG@10 is measured about 15 times along the way.
     */
    private static ListRun fitLists(String label, MultiLayerNetwork net, int epochs, int steps,
                                    Function<int[], DataSet> epochData, Random shuffle,
                                    MultiLayerNetwork itemScorer, INDArray testFeatures, Lists test, Output out) {
        long start = System.nanoTime();
        int probeEvery = Math.max(1, epochs / 15);
        int printEvery = Math.max(1, epochs / 4);
        List<double[]> probes = new ArrayList<>();
        probes.add(new double[] {0, meanNdcg(testScores(net, itemScorer, testFeatures, test), test.grades, CUTOFF)});
        for (int epoch = 1; epoch <= epochs; epoch++) {
            DataSet data = epochData.apply(Training.permutation(TRAIN_LISTS, shuffle));
            int rows = data.numExamples();
            double loss = 0;
            for (int s = 0; s < steps; s++) {
                int from = (int) ((long) rows * s / steps);
                int to = (int) ((long) rows * (s + 1) / steps);
                INDArrayIndex[] part = {NDArrayIndex.interval(from, to), NDArrayIndex.all()};
                INDArray mask = data.getLabelsMaskArray();
                net.fit(new DataSet(data.getFeatures().get(part), data.getLabels().get(part), null,
                        mask == null ? null : mask.get(part)));
                loss += net.score() / steps;
            }
            boolean print = epoch % printEvery == 0 || epoch == epochs;
            if (epoch % probeEvery == 0 || print) {
                probes.add(new double[] {epoch, meanNdcg(testScores(net, itemScorer, testFeatures, test), test.grades,
                        CUTOFF)});
            }
            if (print) {
                out.progress("%-50s epoch %3d/%d  loss %8.4f  held-out NDCG@10 %.4f", label, epoch, epochs, loss,
                        probes.get(probes.size() - 1)[1]);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new ListRun(label, probes.stream().mapToDouble(p -> p[0]).toArray(),
                probes.stream().mapToDouble(p -> p[1]).toArray(), testScores(net, itemScorer, testFeatures, test),
                seconds);
    }

    /** The trained weights of {@code net} scoring every held-out item alone (in {@code itemScorer}, k = 1), split into the lists. */
    private static double[][] testScores(MultiLayerNetwork net, MultiLayerNetwork itemScorer, INDArray testFeatures,
                                         Lists test) {
        itemScorer.setParams(net.params());
        double[] flat = itemScorer.output(testFeatures).castTo(DataType.DOUBLE).data().asDouble();
        double[][] scores = new double[test.size()][];
        int at = 0;
        for (int q = 0; q < scores.length; q++) {
            scores[q] = Arrays.copyOfRange(flat, at, at + test.grades[q].length);
            at += scores[q].length;
        }
        return scores;
    }

    /** The items of a list by score, highest first; equal scores keep the items' order. */
    static int[] ranking(double[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted((a, b) -> Double.compare(scores[b], scores[a]))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * NDCG@cutoff of one list: DCG = sum over the first {@code cutoff} ranks of (2^grade - 1) / log2(1 + rank),
     * divided by the DCG of the grades sorted (the ideal order); NaN if no item is relevant.
     */
    static double ndcg(double[] scores, int[] grades, int cutoff) {
        int[] order = ranking(scores);
        int[] ideal = Arrays.stream(grades).boxed().sorted((a, b) -> b - a).mapToInt(Integer::intValue).toArray();
        double dcg = 0;
        double idcg = 0;
        for (int r = 0; r < Math.min(cutoff, grades.length); r++) {
            double discount = Math.log(r + 2) / Math.log(2);
            dcg += (Math.pow(2, grades[order[r]]) - 1) / discount;
            idcg += (Math.pow(2, ideal[r]) - 1) / discount;
        }
        return idcg == 0 ? Double.NaN : dcg / idcg;
    }

    /** The mean NDCG@cutoff over the lists that have a relevant item (the others have no NDCG). */
    static double meanNdcg(double[][] scores, int[][] grades, int cutoff) {
        double sum = 0;
        int counted = 0;
        for (int q = 0; q < scores.length; q++) {
            double v = ndcg(scores[q], grades[q], cutoff);
            if (!Double.isNaN(v)) {
                sum += v;
                counted++;
            }
        }
        return sum / counted;
    }

    /** The mean NDCG@k for k = 1..K. */
    private static double[] ndcgAtK(double[][] scores, int[][] grades) {
        double[] out = new double[LIST_LENGTH];
        for (int k = 1; k <= LIST_LENGTH; k++) {
            out[k - 1] = meanNdcg(scores, grades, k);
        }
        return out;
    }

    /** The mean over lists of the share of the top {@code cutoff} items with a grade of at least {@code minGrade}. */
    static double precisionAt(double[][] scores, int[][] grades, int cutoff, int minGrade) {
        double sum = 0;
        for (int q = 0; q < scores.length; q++) {
            int[] order = ranking(scores[q]);
            int hits = 0;
            for (int r = 0; r < cutoff; r++) {
                hits += grades[q][order[r]] >= minGrade ? 1 : 0;
            }
            sum += (double) hits / cutoff;
        }
        return sum / scores.length;
    }

    /**
     * Two panels, from NDCG 0.6 up (random scores, far below, are in the titles): held-out NDCG@10
     * per epoch, and NDCG@k for k = 1..K after training, each against the oracle's.
     */
    private static void plotLists(Path file, List<ListRun> runs, int[][] grades, double oracle, double random,
                                  double[] oracleAtK, double[] randomAtK, int epochs) throws IOException {
        XYChart curves = Plots.chart(String.format(Locale.ROOT, "Held-out NDCG@10 per epoch (random scores: %.2f)",
                random), "epoch", "NDCG@10");
        XYChart atK = Plots.chart(String.format(Locale.ROOT, "Held-out NDCG@k after training (random: %.2f to %.2f)",
                randomAtK[0], randomAtK[randomAtK.length - 1]), "k (cutoff)", "NDCG@k");
        double[] ks = IntStream.rangeClosed(1, LIST_LENGTH).asDoubleStream().toArray();
        for (int i = 0; i < runs.size(); i++) {
            ListRun run = runs.get(i);
            String name = run.loss.substring(LISTS.length()).replace(", sampled pairs)", ") on pairs");
            // From the first epoch on: before training (NDCG@10 about 0.27) is off the scale.
            int from = run.probeEpochs.length > 1 ? 1 : 0;
            Plots.line(curves, name, Arrays.copyOfRange(run.probeEpochs, from, run.probeEpochs.length),
                    Arrays.copyOfRange(run.ndcg, from, run.ndcg.length), Plots.color(i));
            Plots.line(atK, name, ks, ndcgAtK(run.scores, grades), Plots.color(i));
        }
        Plots.dashed(curves, "hidden relevance (oracle)", new double[] {0, epochs}, new double[] {oracle, oracle},
                Color.BLACK);
        Plots.dashed(atK, "hidden relevance (oracle)", ks, oracleAtK, Color.BLACK);
        curves.getStyler().setXAxisMin(0.0).setXAxisMax((double) epochs).setYAxisMin(0.6).setYAxisMax(1.0);
        curves.getStyler().setLegendPosition(LegendPosition.InsideSE);
        atK.getStyler().setXAxisMin(1.0).setXAxisMax((double) LIST_LENGTH).setYAxisMin(0.6).setYAxisMax(1.0)
                .setLegendVisible(false);
        Plots.saveGrid(file, 2, List.of(curves, atK));
    }
}
