package org.dl4jlosses.examples;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.dl4jlosses.embedding.Ge2eLoss;
import org.dl4jlosses.evaluation.VerificationScores;
import org.dl4jlosses.layers.Ge2eOutputLayer;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Example 8: speaker verification with GE2E. Each synthetic speaker is a hidden voice (a Gaussian
 * vector of {@value #VOICE} numbers). An utterance is {@value #FRAMES} frames, each a squashed
 * ({@code tanh}) mix of the voice, the utterance's recording channel (shared by its frames, new
 * for every utterance, and stronger than the voice) and what is said in that frame, plus noise;
 * the network sees the mean of the frames, {@value #FEATURES} numbers. A small network embeds
 * the utterance, and {@code Ge2eOutputLayer} trains it with {@code Ge2eLoss} on batches of
 * {@value #BATCH_SPEAKERS} speakers x {@value #BATCH_UTTERANCES} utterances, learning the
 * similarity's scale w and offset b with the network (from the paper's 10 and -5).
 *
 * <p>The metric is the equal error rate on {@value #TEST_SPEAKERS} speakers never seen in
 * training: each enrols with {@value #ENROL} utterances (the mean of their embeddings), and every
 * other utterance is scored by cosine against every enrolled speaker; the EER is where the share
 * of impostors accepted equals the share of true speakers rejected (lower is better; chance is
 * 0.5). The untrained network is the baseline: the same initial weights both variants start from.
 *
 * <p>What it shows, as measured at full budget: the untrained network's embedding verifies
 * poorly (EER 0.39); both GE2E variants learn a voice embedding that carries over to unseen
 * speakers, most of it within the first ten epochs (EER 0.09 and 0.11 at epoch 10). SOFTMAX ends
 * at 0.074 and CONTRAST at 0.078, a gap smaller than the wobble of either curve from probe to
 * probe (the paper, too, reports the two close). The learned parameters differ as the losses say
 * they must: SOFTMAX sharpens its scale (w from 10 to 11.0) and leaves b at exactly -5, since a
 * softmax over the speakers does not change when every logit moves by b; CONTRAST, whose sigmoids
 * do see b, lowers both (w 9.3, b -6.4). After the first ten epochs the training loss keeps
 * falling (it halves) while the held-out EER improves only slowly: with 100 training speakers the
 * network learns more about them than about voices in general.
 */
public final class SpeakerExample implements Example {
    static final long SEED = 61;
    static final int VOICE = 8;
    static final int CHANNEL = 6;
    static final int CONTENT = 6;
    static final int FEATURES = 24;
    static final int FRAMES = 10;
    private static final int TRAIN_SPEAKERS = 100;
    private static final int TEST_SPEAKERS = 40;
    private static final int UTTERANCES = 12;
    private static final int ENROL = 4;
    private static final int BATCH_SPEAKERS = 20;
    private static final int BATCH_UTTERANCES = 6;
    private static final int EPOCHS = 120;
    private static final int[] HIDDEN = {64, 64};
    private static final int EMBEDDING = 16;
    private static final double LR = 0.003;
    private static final double CHANNEL_SCALE = 2.5;
    private static final double NOISE = 0.3;
    /** Speakers shown in the embedding scatter (the palette has eight colours). */
    private static final int SHOWN = 8;

    @Override
    public String name() {
        return "speakers";
    }

    @Override
    public List<String> aliases() {
        return List.of("ge2e", "speaker");
    }

    @Override
    public String description() {
        return "speaker verification, Ge2eOutputLayer with trainable w and b: Ge2eLoss SOFTMAX vs CONTRAST; "
                + "equal error rate on unseen speakers";
    }

    /** The fixed random maps of the generator: voice, channel and content into the frame features. */
    record Mixing(double[][] voice, double[][] channel, double[][] content) {
        static Mixing random(Random random) {
            return new Mixing(map(VOICE, random), map(CHANNEL, random), map(CONTENT, random));
        }

        private static double[][] map(int from, Random random) {
            double[][] m = new double[FEATURES][from];
            for (double[] row : m) {
                for (int j = 0; j < from; j++) {
                    row[j] = random.nextGaussian() / Math.sqrt(from);
                }
            }
            return m;
        }
    }

    /** Utterances of {@code speakers} new speakers: features {@code [speakers * UTTERANCES, F]}, speaker k's utterances in rows k*U..k*U+U-1. */
    static INDArray utterances(int speakers, Mixing mixing, Random random) {
        double[][] x = new double[speakers * UTTERANCES][];
        for (int k = 0; k < speakers; k++) {
            double[] voice = gaussian(VOICE, 1, random);
            for (int u = 0; u < UTTERANCES; u++) {
                x[k * UTTERANCES + u] = utterance(voice, mixing, random);
            }
        }
        return Training.matrix(x);
    }

    /** The mean over frames of {@code tanh(voice + channel + content + noise)}, mixed into the features. */
    private static double[] utterance(double[] voice, Mixing mixing, Random random) {
        double[] channel = gaussian(CHANNEL, CHANNEL_SCALE, random);
        double[] fixed = new double[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            fixed[f] = dot(mixing.voice[f], voice) + dot(mixing.channel[f], channel);
        }
        double[] mean = new double[FEATURES];
        for (int t = 0; t < FRAMES; t++) {
            double[] content = gaussian(CONTENT, 1, random);
            for (int f = 0; f < FEATURES; f++) {
                mean[f] += Math.tanh(fixed[f] + dot(mixing.content[f], content) + NOISE * random.nextGaussian()) / FRAMES;
            }
        }
        return mean;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] gaussian(int n, double sd, Random random) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = sd * random.nextGaussian();
        }
        return v;
    }

    @Override
    public List<Result> run(Budget budget, Output out) throws IOException {
        Random random = new Random(SEED);
        Mixing mixing = Mixing.random(random);
        INDArray train = utterances(TRAIN_SPEAKERS, mixing, random);
        INDArray test = utterances(TEST_SPEAKERS, mixing, random);
        int epochs = budget.epochs(EPOCHS);
        out.progress("%d training speakers and %d unseen test speakers, %d utterances each (%d enrol, %d are tested "
                        + "against every enrolled speaker); %d epochs of batches of %d speakers x %d utterances",
                TRAIN_SPEAKERS, TEST_SPEAKERS, UTTERANCES, ENROL, UTTERANCES - ENROL, epochs, BATCH_SPEAKERS,
                BATCH_UTTERANCES);

        Map<String, Ge2eLoss> losses = new LinkedHashMap<>();
        losses.put("Ge2eLoss(SOFTMAX)", Ge2eLoss.builder().variant(Ge2eLoss.Variant.SOFTMAX).build());
        losses.put("Ge2eLoss(CONTRAST)", Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).build());

        List<Result> results = new ArrayList<>();
        List<Training.Curve> curves = new ArrayList<>();
        List<XYChart> scatters = new ArrayList<>();
        int[] shownIds = new int[SHOWN * UTTERANCES];
        for (int i = 0; i < shownIds.length; i++) {
            shownIds[i] = i / UTTERANCES;
        }
        INDArray shown = test.get(NDArrayIndex.interval(0, SHOWN * UTTERANCES), NDArrayIndex.all());
        double untrained = Double.NaN;
        for (Map.Entry<String, Ge2eLoss> e : losses.entrySet()) {
            MultiLayerNetwork net = network(e.getValue());
            if (scatters.isEmpty()) {
                // Both variants start from these weights: the untrained network is one baseline for both.
                untrained = equalErrorRate(net, test);
                scatters.add(Plots.embeddingScatter(String.format(Locale.ROOT,
                        "untrained network (EER %.3f)", untrained), Training.rows(net.output(shown)), shownIds));
            }
            Training.Curve curve = fit(e.getKey(), net, train, test, epochs, out);
            curves.add(curve);
            double eer = equalErrorRate(net, test);
            double w = net.getLayer(HIDDEN.length + 1).getParam("w").getDouble(0);
            double b = net.getLayer(HIDDEN.length + 1).getParam("b").getDouble(0);
            out.progress("%-20s held-out EER %.4f  learned w %.3f  b %.3f", e.getKey(), eer, w, b);
            results.add(new Result(name(), e.getKey(), "held-out EER", eer, curve.seconds()));
            results.add(new Result(name(), e.getKey(), "learned w", w, curve.seconds()));
            results.add(new Result(name(), e.getKey(), "learned b", b, curve.seconds()));
            scatters.add(Plots.embeddingScatter(String.format(Locale.ROOT, "%s (EER %.3f)", e.getKey(), eer),
                    Training.rows(net.output(shown)), shownIds));
        }
        out.progress("%-20s held-out EER %.4f", "untrained network", untrained);
        results.add(new Result(name(), "untrained network", "held-out EER", untrained, 0));
        Plots.saveCurves(out.png("curves"), "speaker verification (GE2E)", curves, true);
        Plots.saveGrid(out.png("embeddings"), scatters.size(), scatters);
        return results;
    }

    /** Dense tanh layers, a linear embedding, then {@code Ge2eOutputLayer} (w and b trainable); one seed, so the same initial weights for both variants. */
    private static MultiLayerNetwork network(Ge2eLoss loss) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(SEED).dataType(DataType.FLOAT).updater(new Adam(LR)).weightInit(WeightInit.XAVIER).list();
        int width = FEATURES;
        for (int h : HIDDEN) {
            list.layer(new DenseLayer.Builder().nIn(width).nOut(h).activation(Activation.TANH).build());
            width = h;
        }
        list.layer(new DenseLayer.Builder().nIn(width).nOut(EMBEDDING).activation(Activation.IDENTITY).build());
        list.layer(new Ge2eOutputLayer.Builder(loss).nIn(EMBEDDING).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /**
     * GE2E batches: every epoch shuffles the training speakers into groups of
     * {@value #BATCH_SPEAKERS}, and each group trains on {@value #BATCH_UTTERANCES} of each of
     * its speakers' utterances, drawn afresh. Held-out EER before training and about 12 times along the way.
     */
    private static Training.Curve fit(String label, MultiLayerNetwork net, INDArray train, INDArray test, int epochs,
                                      Output out) {
        long start = System.nanoTime();
        Random random = new Random(SEED);
        double[] epochAxis = new double[epochs];
        double[] trainLoss = new double[epochs];
        List<Double> probeEpochs = new ArrayList<>(List.of(0.0));
        List<Double> probe = new ArrayList<>(List.of(equalErrorRate(net, test)));
        int rows = BATCH_SPEAKERS * BATCH_UTTERANCES;
        INDArray labels = Nd4j.create(DataType.FLOAT, rows, 1);
        int probeEvery = Math.max(1, epochs / 12);
        int printEvery = Math.max(1, epochs / 5);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] speakers = Training.permutation(TRAIN_SPEAKERS, random);
            double sum = 0;
            int batches = 0;
            for (int from = 0; from + BATCH_SPEAKERS <= TRAIN_SPEAKERS; from += BATCH_SPEAKERS) {
                int[] picked = new int[rows];
                for (int s = 0; s < BATCH_SPEAKERS; s++) {
                    int speaker = speakers[from + s];
                    int[] utterances = Training.permutation(UTTERANCES, random);
                    for (int u = 0; u < BATCH_UTTERANCES; u++) {
                        picked[s * BATCH_UTTERANCES + u] = speaker * UTTERANCES + utterances[u];
                        labels.putScalar(s * BATCH_UTTERANCES + u, 0, speaker);
                    }
                }
                net.fit(Nd4j.pullRows(train, 1, picked), labels);
                sum += net.score();
                batches++;
            }
            epochAxis[epoch - 1] = epoch;
            trainLoss[epoch - 1] = sum / batches;
            boolean print = epoch % printEvery == 0 || epoch == epochs;
            if (epoch % probeEvery == 0 || print) {
                probeEpochs.add((double) epoch);
                probe.add(equalErrorRate(net, test));
            }
            if (print) {
                out.progress("%-20s epoch %4d/%d  loss %.4f  held-out EER %.4f", label, epoch, epochs,
                        trainLoss[epoch - 1], probe.get(probe.size() - 1));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Training.Curve(label, "held-out EER", epochAxis, trainLoss,
                probeEpochs.stream().mapToDouble(Double::doubleValue).toArray(),
                probe.stream().mapToDouble(Double::doubleValue).toArray(), seconds);
    }

    /**
     * The equal error rate on the test speakers, by the library's evaluation API: each enrols with
     * its first {@value #ENROL} utterances (the mean of their normalised embeddings); every other
     * utterance is a genuine trial against its own speaker and an impostor trial against every
     * other, scored by cosine ({@link VerificationScores#enrolmentCentroids}).
     */
    static double equalErrorRate(MultiLayerNetwork net, INDArray test) {
        INDArray e = net.output(test);
        int speakers = (int) e.size(0) / UTTERANCES;
        int trials = UTTERANCES - ENROL;
        int[] enrolRows = new int[speakers * ENROL];
        int[] enrolIds = new int[enrolRows.length];
        int[] testRows = new int[speakers * trials];
        int[] testIds = new int[testRows.length];
        for (int k = 0; k < speakers; k++) {
            for (int u = 0; u < UTTERANCES; u++) {
                if (u < ENROL) {
                    enrolRows[k * ENROL + u] = k * UTTERANCES + u;
                    enrolIds[k * ENROL + u] = k;
                } else {
                    testRows[k * trials + u - ENROL] = k * UTTERANCES + u;
                    testIds[k * trials + u - ENROL] = k;
                }
            }
        }
        return VerificationScores.enrolmentCentroids(e.getRows(enrolRows), Nd4j.createFromArray(enrolIds),
                e.getRows(testRows), Nd4j.createFromArray(testIds)).equalErrorRate();
    }
}
