package org.dl4jlosses.examples;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.StackVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.dl4jlosses.embedding.CoSentLoss;
import org.dl4jlosses.embedding.InfoNceLoss;
import org.dl4jlosses.embedding.MultipleNegativesRankingLoss;
import org.dl4jlosses.evaluation.RetrievalEvaluator;
import org.dl4jlosses.evaluation.RetrievalMetrics;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Example 9: retrieval with in-batch negatives. Every pair shares a hidden topic (a Gaussian
 * vector of {@value #TOPIC} numbers); the query and the document observe it through two different
 * fixed random linear maps into {@value #FEATURES} features, each with its own noise, and the
 * document carries as much again of content unrelated to the query. The two views are unrelated
 * bases, so an untrained encoder ranks at chance: the match must be learned. One encoder with
 * shared weights embeds queries and documents: a {@code ComputationGraph} whose two inputs a
 * {@code StackVertex} stacks into the BLOCKS layout {@code [queries; documents]}, then a tanh layer
 * and a linear embedding layer. The metrics rank, for each held-out query, every held-out document (pairs never seen
 * in training) by cosine similarity: the mean reciprocal rank of its own document and recall@1.
 *
 * <p>The losses: {@code InfoNceLoss} at its default temperature 0.1 and at 1,
 * {@code MultipleNegativesRankingLoss} at its default scale 20, and the latter with one block of
 * hard negatives (a third graph input: for each pair a document on a neighbouring topic). Without
 * negative blocks, InfoNCE with temperature t and MNRL with scale 1/t are the same softmax
 * cross-entropy over the batch's documents, so what the first three compare is the sharpness of
 * that softmax.
 *
 * <p>What it shows, as measured at full budget (held-out MRR / recall@1 over 500 documents):
 * the untrained encoder is at chance (0.012 / 0.000); InfoNCE at t = 0.1 and MNRL at scale 20 both
 * learn the match within a few epochs and end alike (0.78 / 0.69 and 0.77 / 0.67: the same
 * objective at scales 10 and 20); a temperature of 1 is too soft (cosines in [-1, 1] give logits
 * too close to single the right document out of 63 others): its loss stays high, and it ends
 * clearly lower (0.74 / 0.61). The hard negatives change little here (0.78 / 0.67): the held-out
 * errors come from the noise of the views, which 63 random in-batch negatives already teach the
 * encoder to see through.
 *
 * <p>Graded pairs: {@code CoSentLoss} learns from pairs with a similarity grade instead of
 * positives alone, as on an STS data set. Grade g in 0..4 mixes the document's topic as
 * {@code a t + sqrt(1 - a^2) u} with {@code a = g / 4} and u an unrelated topic (grade 4: the
 * query's own topic, grade 0: an unrelated one). CoSENT (scale 20) trains on {@value #TRAIN_PAIRS}
 * such pairs, grades spread evenly, with the same encoder, at its default scale 20 and at 5; it is
 * scored on the retrieval test above and by the Spearman correlation of held-out pairs' cosines with
 * their grades (the STS metric), against MNRL trained on the same data's grade-4 pairs only.
 * Measured at full budget: CoSENT at scale 20 reaches a Spearman correlation of 0.51 (the
 * untrained encoder -0.02), at scale 5 0.67; MNRL on the grade-4 pairs alone reaches 0.74. Here
 * the grades are a noisy function of one hidden topic, so learning which documents share a
 * query's topic carries most of the ordering, and the sharp default scale spends CoSENT's
 * gradient on the noisiest pairs (the largest violations); on retrieval CoSENT is far behind
 * (MRR 0.10 and 0.27), as it never sees a query against its own document alone.
 */
public final class RetrievalExample implements Example {
    static final long SEED = 71;
    static final int TOPIC = 8;
    static final int FEATURES = 32;
    private static final int TRAIN_PAIRS = 2048;
    private static final int TEST_PAIRS = 500;
    private static final int BATCH = 64;
    private static final int EPOCHS = 30;
    private static final int HIDDEN = 64;
    private static final int EMBEDDING = 16;
    private static final double LR = 0.003;
    /** Noise of each view, and the scale of the document's content that is not about the topic. */
    private static final double NOISE = 0.3;
    private static final double OFF_TOPIC = 1.0;
    /** How far a hard negative's topic lies from its pair's (standard deviation per topic number). */
    private static final double NEAR_MISS = 1.0;
    /** The grades of the graded pairs: 0 (unrelated) to {@value} (the query's own topic). */
    private static final int TOP_GRADE = 4;
    /** CoSENT's default scale, and a softer one. */
    private static final double[] COSENT_SCALES = {20, 5};
    static final String MNRL_TOP_GRADE = "MNRL(grade-4 pairs only)";
    static final String SPEARMAN = "held-out Spearman(cosine, grade)";

    @Override
    public String name() {
        return "retrieval";
    }

    @Override
    public List<String> aliases() {
        return List.of("infonce", "mnrl");
    }

    @Override
    public String description() {
        return "query/document pairs, a shared encoder over a StackVertex: InfoNceLoss vs MultipleNegativesRankingLoss; "
                + "CoSentLoss on graded pairs; held-out MRR, recall@1 and Spearman correlation with the grades";
    }

    /**
     * {@code n} pairs: {queries [n, F], documents [n, F], near-miss documents [n, F]}. The near
     * miss of pair i is a document on a neighbouring topic (pair i's topic plus Gaussian noise of
     * standard deviation {@value #NEAR_MISS}): a hard negative for training.
     */
    static INDArray[] pairs(int n, double[][][] views, Random random) {
        double[][] q = new double[n][];
        double[][] d = new double[n][];
        double[][] near = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] topic = gaussian(TOPIC, 1, random);
            double[] nearTopic = gaussian(TOPIC, NEAR_MISS, random);
            for (int t = 0; t < TOPIC; t++) {
                nearTopic[t] += topic[t];
            }
            q[i] = view(views[0], topic, null, random);
            d[i] = view(views[1], topic, views[2], random);
            near[i] = view(views[1], nearTopic, views[2], random);
        }
        return new INDArray[] {Training.matrix(q), Training.matrix(d), Training.matrix(near)};
    }

    /**
     * {@code n} graded pairs: {queries [n, F], documents [n, F], grades [n, 1]}, grade {@code i mod 5}
     * for pair i: the document's topic is {@code a t + sqrt(1 - a^2) u}, {@code a = grade / 4}, with
     * t the query's topic and u an unrelated one.
     */
    static INDArray[] gradedPairs(int n, double[][][] views, Random random) {
        double[][] q = new double[n][];
        double[][] d = new double[n][];
        double[][] grades = new double[n][1];
        for (int i = 0; i < n; i++) {
            int grade = i % (TOP_GRADE + 1);
            double a = grade / (double) TOP_GRADE;
            double[] topic = gaussian(TOPIC, 1, random);
            double[] mixed = gaussian(TOPIC, Math.sqrt(1 - a * a), random);
            for (int t = 0; t < TOPIC; t++) {
                mixed[t] += a * topic[t];
            }
            q[i] = view(views[0], topic, null, random);
            d[i] = view(views[1], mixed, views[2], random);
            grades[i][0] = grade;
        }
        return new INDArray[] {Training.matrix(q), Training.matrix(d), Training.matrix(grades)};
    }

    /** One observation of a topic through a view, with noise and (with {@code content}) off-topic content. */
    private static double[] view(double[][] map, double[] topic, double[][] content, Random random) {
        double[] offTopic = gaussian(TOPIC, OFF_TOPIC, random);
        double[] x = new double[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            x[f] = NOISE * random.nextGaussian();
            for (int t = 0; t < TOPIC; t++) {
                x[f] += map[f][t] * topic[t] + (content == null ? 0 : content[f][t] * offTopic[t]);
            }
        }
        return x;
    }

    private static double[] gaussian(int n, double sd, Random random) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = sd * random.nextGaussian();
        }
        return v;
    }

    /** Three fixed random maps from {@value #TOPIC} numbers to {@value #FEATURES} features: query view, document view, off-topic content. */
    static double[][][] views(Random random) {
        double[][][] maps = new double[3][FEATURES][TOPIC];
        for (double[][] map : maps) {
            for (double[] row : map) {
                for (int t = 0; t < TOPIC; t++) {
                    row[t] = random.nextGaussian() / Math.sqrt(TOPIC);
                }
            }
        }
        return maps;
    }

    @Override
    public List<Result> run(Budget budget, Output out) throws IOException {
        Random random = new Random(SEED);
        double[][][] views = views(random);
        INDArray[] train = pairs(TRAIN_PAIRS, views, random);
        INDArray[] test = pairs(TEST_PAIRS, views, random);
        int epochs = budget.epochs(EPOCHS);
        out.progress("%d training pairs, %d held-out pairs (each query ranks all %d held-out documents); "
                + "%d epochs of batches of %d pairs", TRAIN_PAIRS, TEST_PAIRS, TEST_PAIRS, epochs, BATCH);

        Map<String, ILossFunction> losses = new LinkedHashMap<>();
        losses.put("InfoNceLoss(t=0.1)", new InfoNceLoss());
        losses.put("MultipleNegativesRankingLoss(scale=20)", new MultipleNegativesRankingLoss());
        losses.put("InfoNceLoss(t=1)", InfoNceLoss.builder().temperature(1).build());
        losses.put("MultipleNegativesRankingLoss(hard neg.)",
                MultipleNegativesRankingLoss.builder().hardNegatives(1).build());

        List<Result> results = new ArrayList<>();
        List<Training.Curve> curves = new ArrayList<>();
        List<int[]> ranks = new ArrayList<>();
        double[] untrained = null;
        for (Map.Entry<String, ILossFunction> e : losses.entrySet()) {
            int blocks = e.getValue() instanceof MultipleNegativesRankingLoss m ? 2 + m.getHardNegatives() : 2;
            ComputationGraph graph = encoder(e.getValue(), blocks);
            if (untrained == null) {
                // Every loss starts from these weights: the untrained encoder is one baseline for all.
                untrained = metrics(embed(graph, test));
            }
            Training.Curve curve = fit(e.getKey(), graph, train, blocks, null, test, epochs, out);
            curves.add(curve);
            INDArray embedded = embed(graph, test);
            ranks.add(ranks(scores(embedded)));
            double[] m = metrics(embedded);
            out.progress("%-40s held-out MRR %.4f  recall@1 %.4f", e.getKey(), m[0], m[1]);
            results.add(new Result(name(), e.getKey(), "held-out MRR", m[0], curve.seconds()));
            results.add(new Result(name(), e.getKey(), "held-out recall@1", m[1], curve.seconds()));
        }
        out.progress("%-40s held-out MRR %.4f  recall@1 %.4f (chance: MRR %.4f, recall@1 %.4f)", "untrained encoder",
                untrained[0], untrained[1], chanceMrr(TEST_PAIRS), 1.0 / TEST_PAIRS);
        results.add(new Result(name(), "untrained encoder", "held-out MRR", untrained[0], 0));
        results.add(new Result(name(), "untrained encoder", "held-out recall@1", untrained[1], 0));
        graded(views, test, epochs, out, results, curves, ranks);
        Plots.saveCurves(out.png("curves"), "query/document retrieval", curves, true);
        List<String> labels = new ArrayList<>(losses.keySet());
        for (double scale : COSENT_SCALES) {
            labels.add(cosentLabel(scale));
        }
        recallAtK(out, labels, ranks);
        return results;
    }

    /**
     * The graded part: CoSENT on graded pairs at two scales, scored on the retrieval test and by
     * the Spearman correlation of held-out graded pairs' cosines with their grades; MNRL on the
     * grade-4 pairs alone and the untrained encoder give the Spearman baselines.
     */
    private void graded(double[][][] views, INDArray[] test, int epochs, Output out, List<Result> results,
                        List<Training.Curve> curves, List<int[]> ranks) {
        Random random = new Random(SEED + 1);
        INDArray[] train = gradedPairs(TRAIN_PAIRS, views, random);
        INDArray[] heldOut = gradedPairs(TEST_PAIRS, views, random);
        ComputationGraph mnrl = encoder(new MultipleNegativesRankingLoss(), 2);
        results.add(new Result(name(), "untrained encoder", SPEARMAN, spearman(mnrl, heldOut), 0));
        Training.Curve mnrlCurve = fit(MNRL_TOP_GRADE, mnrl, topGradeOnly(train), 2, null, test, epochs, out);
        double mnrlSpearman = spearman(mnrl, heldOut);
        out.progress("%-40s held-out Spearman %.4f", MNRL_TOP_GRADE, mnrlSpearman);
        results.add(new Result(name(), MNRL_TOP_GRADE, SPEARMAN, mnrlSpearman, mnrlCurve.seconds()));
        for (double scale : COSENT_SCALES) {
            String label = cosentLabel(scale);
            ComputationGraph graph = encoder(CoSentLoss.builder().scale(scale).build(), 2);
            Training.Curve curve = fit(label, graph, train, 2, train[2], test, epochs, out);
            curves.add(curve);
            INDArray embedded = embed(graph, test);
            ranks.add(ranks(scores(embedded)));
            double[] m = metrics(embedded);
            double spearman = spearman(graph, heldOut);
            out.progress("%-40s held-out MRR %.4f  recall@1 %.4f  Spearman %.4f", label, m[0], m[1], spearman);
            results.add(new Result(name(), label, "held-out MRR", m[0], curve.seconds()));
            results.add(new Result(name(), label, "held-out recall@1", m[1], curve.seconds()));
            results.add(new Result(name(), label, SPEARMAN, spearman, curve.seconds()));
        }
    }

    static String cosentLabel(double scale) {
        return String.format(java.util.Locale.ROOT, "CoSentLoss(scale=%.0f, graded pairs)", scale);
    }

    /** The pairs of grade 4 (the query's own topic), for MNRL, which takes positives only. */
    private static INDArray[] topGradeOnly(INDArray[] graded) {
        double[] grades = graded[2].toDoubleVector();
        int[] top = java.util.stream.IntStream.range(0, grades.length).filter(i -> grades[i] == TOP_GRADE).toArray();
        return new INDArray[] {Nd4j.pullRows(graded[0], 1, top), Nd4j.pullRows(graded[1], 1, top)};
    }

    /** The Spearman correlation of the held-out graded pairs' cosines with their grades. */
    private static double spearman(ComputationGraph graph, INDArray[] graded) {
        double[][] embedded = Training.rows(embed(graph, graded));
        int n = embedded.length / 2;
        double[] cosines = new double[n];
        for (int i = 0; i < n; i++) {
            cosines[i] = cosine(embedded[i], embedded[n + i]);
        }
        return Metrics.spearman(cosines, graded[2].toDoubleVector());
    }

    /**
     * The shared encoder: inputs query, document (and, for hard negatives, a third block),
     * stacked by a {@code StackVertex}; one tanh layer and a linear embedding layer embed every
     * row with the same weights. The seed fixes the initial weights, the same for every loss.
     */
    private static ComputationGraph encoder(ILossFunction loss, int blocks) {
        String[] inputs = Arrays.copyOf(new String[] {"query", "document", "hard negative"}, blocks);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(SEED).dataType(DataType.FLOAT).updater(new Adam(LR)).weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs(inputs)
                .addVertex("stack", new StackVertex(), inputs)
                .addLayer("hidden", new DenseLayer.Builder().nIn(FEATURES).nOut(HIDDEN).activation(Activation.TANH)
                        .build(), "stack")
                .addLayer("embedding", new OutputLayer.Builder(loss).nIn(HIDDEN).nOut(EMBEDDING)
                        .activation(Activation.IDENTITY).build(), "hidden")
                .setOutputs("embedding")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /**
     * Minibatches of {@value #BATCH} pairs, reshuffled every epoch; the held-out MRR before
     * training and about ten times along the way. {@code grades} ([pairs, 1], or null for a loss
     * that reads no labels) are the first block's labels.
     */
    private static Training.Curve fit(String label, ComputationGraph graph, INDArray[] train, int blocks,
                                      INDArray grades, INDArray[] test, int epochs, Output out) {
        int pairs = (int) train[0].size(0);
        long start = System.nanoTime();
        Random random = new Random(SEED);
        double[] epochAxis = new double[epochs];
        double[] trainLoss = new double[epochs];
        List<Double> probeEpochs = new ArrayList<>(List.of(0.0));
        List<Double> probe = new ArrayList<>(List.of(metrics(embed(graph, test))[0]));
        // DL4J wants labels with one row per stacked row; only the first block's are read, if any.
        INDArray labels = Nd4j.zeros(DataType.FLOAT, (long) blocks * BATCH, 1);
        INDArray firstBlock = labels.get(NDArrayIndex.interval(0, BATCH), NDArrayIndex.all());
        int probeEvery = Math.max(1, epochs / 10);
        int printEvery = Math.max(1, epochs / 5);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] order = Training.permutation(pairs, random);
            INDArray[] shuffled = new INDArray[blocks];
            for (int b = 0; b < blocks; b++) {
                shuffled[b] = Nd4j.pullRows(train[b], 1, order);
            }
            INDArray shuffledGrades = grades == null ? null : Nd4j.pullRows(grades, 1, order);
            double sum = 0;
            int batches = 0;
            // Whole batches only: every batch has the same number of in-batch negatives.
            for (int from = 0; from + BATCH <= pairs; from += BATCH) {
                INDArray[] inputs = new INDArray[blocks];
                for (int b = 0; b < blocks; b++) {
                    inputs[b] = rows(shuffled[b], from, BATCH);
                }
                if (shuffledGrades != null) {
                    firstBlock.assign(rows(shuffledGrades, from, BATCH));
                }
                graph.fit(new MultiDataSet(inputs, new INDArray[] {labels}));
                sum += graph.score();
                batches++;
            }
            epochAxis[epoch - 1] = epoch;
            trainLoss[epoch - 1] = sum / batches;
            boolean print = epoch % printEvery == 0 || epoch == epochs;
            if (epoch % probeEvery == 0 || print) {
                probeEpochs.add((double) epoch);
                probe.add(metrics(embed(graph, test))[0]);
            }
            if (print) {
                out.progress("%-40s epoch %3d/%d  loss %.4f  held-out MRR %.4f", label, epoch, epochs,
                        trainLoss[epoch - 1], probe.get(probe.size() - 1));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Training.Curve(label, "held-out MRR", epochAxis, trainLoss,
                probeEpochs.stream().mapToDouble(Double::doubleValue).toArray(),
                probe.stream().mapToDouble(Double::doubleValue).toArray(), seconds);
    }

    private static INDArray rows(INDArray x, int from, int count) {
        return x.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
    }

    /** The held-out queries' embeddings (the first n rows), then their documents' (the next n). */
    static INDArray embed(ComputationGraph graph, INDArray[] test) {
        // The graph takes as many blocks as it was built with; only the queries' and documents' rows are read.
        INDArray[] inputs = Arrays.copyOf(test, graph.getConfiguration().getNetworkInputs().size());
        long n = test[0].size(0);
        return graph.outputSingle(false, inputs).get(NDArrayIndex.interval(0, 2 * n), NDArrayIndex.all());
    }

    /** Cosine similarity of every held-out query (rows) to every held-out document (columns). */
    static double[][] scores(INDArray embeddedRows) {
        double[][] embedded = Training.rows(embeddedRows);
        int n = embedded.length / 2;
        double[][] scores = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                scores[i][j] = cosine(embedded[i], embedded[n + j]);
            }
        }
        return scores;
    }

    /** Query i's relevant document is document i. */
    static boolean[][] ownDocument(int n) {
        boolean[][] relevant = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            relevant[i][i] = true;
        }
        return relevant;
    }

    /**
     * {MRR, recall@1} of the held-out queries, by the library's {@link RetrievalEvaluator}: query i's
     * label is i, and so is its document's, so each query has exactly one relevant document.
     */
    static double[] metrics(INDArray embedded) {
        int n = (int) embedded.size(0) / 2;
        int[] ids = new int[n];
        Arrays.setAll(ids, i -> i);
        RetrievalMetrics m = new RetrievalEvaluator().recallAt(1).evaluate(
                embedded.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()), ids,
                embedded.get(NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all()), ids);
        return new double[] {m.meanReciprocalRank(), m.recallAt(1)};
    }

    /** The rank (1 = first) of each held-out query's own document. */
    static int[] ranks(double[][] scores) {
        boolean[][] relevant = ownDocument(scores.length);
        int[] ranks = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            ranks[i] = Metrics.rankOfFirstRelevant(scores[i], relevant[i]);
        }
        return ranks;
    }

    /** The MRR of a random ranking of n documents: the mean of 1/r over r = 1..n. */
    static double chanceMrr(int n) {
        double sum = 0;
        for (int r = 1; r <= n; r++) {
            sum += 1.0 / r;
        }
        return sum / n;
    }

    private static double cosine(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int k = 0; k < a.length; k++) {
            ab += a[k] * b[k];
            aa += a[k] * a[k];
            bb += b[k] * b[k];
        }
        return ab / Math.max(Math.sqrt(aa * bb), 1e-12);
    }

    /** Recall@k: the share of held-out queries whose own document ranks k-th or better, one line per loss. */
    private static void recallAtK(Output out, List<String> labels, List<int[]> ranks) throws IOException {
        int[] upper = {1, 2, 3, 5, 10, 20, 50, 100, TEST_PAIRS};
        double[] x = new double[upper.length];
        for (int b = 0; b < upper.length; b++) {
            x[b] = upper[b];
        }
        XYChart chart = Plots.chart("Recall@k over " + TEST_PAIRS + " held-out documents",
                "k (log scale)", "share of queries whose document ranks k-th or better");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(LegendPosition.InsideSE);
        for (int k = 0; k < labels.size(); k++) {
            double[] share = new double[upper.length];
            for (int r : ranks.get(k)) {
                for (int b = 0; b < upper.length; b++) {
                    share[b] += r <= upper[b] ? 1.0 / ranks.get(k).length : 0;
                }
            }
            Plots.line(chart, labels.get(k), x, share, Plots.color(k));
        }
        chart.getStyler().setYAxisMin(0.5).setYAxisMax(1.0);
        Plots.save(out.png("recall-at-k"), chart);
    }
}
