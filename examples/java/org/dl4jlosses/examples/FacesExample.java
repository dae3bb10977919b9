package org.dl4jlosses.examples;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.dl4jlosses.embedding.AdditiveAngularMarginLoss;
import org.dl4jlosses.embedding.AdditiveCosineMarginLoss;
import org.dl4jlosses.embedding.ContrastiveLoss;
import org.dl4jlosses.embedding.Distance;
import org.dl4jlosses.embedding.SupervisedContrastiveLoss;
import org.dl4jlosses.embedding.TripletLoss;
import org.dl4jlosses.evaluation.RetrievalEvaluator;
import org.dl4jlosses.evaluation.VerificationScores;
import org.dl4jlosses.layers.CosineOutputLayer;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Example 7: face-style verification. Synthetic "faces" of 16x16 pixels: every identity is a
 * prototype drawn from Gaussian blobs (a head, two eyes, a nose, a mouth, all at positions and
 * sizes of its own, and a few marks), and every image of it is that prototype under nuisance
 * variation: zoom, shift, expression (the features' strengths), lighting (brightness, contrast, a
 * gradient) and pixel noise. All faces share the same layout, so raw pixels say little about who
 * is who. One embedding network (two tanh layers, then a 32-D embedding) trains three ways on the
 * same identities, batches and initial weights:
 * <ul>
 * <li>{@code TripletLoss} with batch-hard mining (GROUPS: identity labels; each batch holds
 * {@value #BATCH_IDS} identities with {@value #PER_ID} images each), Euclidean, margin 1;</li>
 * <li>{@code ContrastiveLoss} over every pair of the same batches (GROUPS), cosine distance,
 * margin 1 (impostors pushed to a cosine of 0 or less);</li>
 * <li>{@code SupervisedContrastiveLoss} (SupCon, temperature 0.1) over the same batches: every
 * image of an identity against every other image of the batch;</li>
 * <li>ArcFace: {@code AdditiveAngularMarginLoss} (scale 16, margin 0.3) through
 * {@code CosineOutputLayer}, a classifier over the 80 training identities; the embedding is the
 * layer before it, and the classifier is thrown away after training;</li>
 * <li>CosFace: {@code AdditiveCosineMarginLoss} (scale 16, margin 0.2) through the same layer;</li>
 * <li>with {@value #NOISE} of the training labels replaced by another identity: ArcFace, and
 * sub-center ArcFace ({@code CosineOutputLayer.subCenters(3)}), whose extra centres per identity
 * can take the wrongly labelled images away from the clean ones.</li>
 * </ul>
 * The metrics are measured on 24 identities never seen in training: verification ROC-AUC (the
 * cosine similarity of every genuine pair against every impostor pair of the held-out images) and
 * recall@1 (the nearest other held-out image, by cosine, is of the same identity; chance is about
 * 0.04). Raw pixels and the untrained network are the baselines.
 *
 * <p>What it shows, as measured at full budget: raw pixels and the untrained network barely tell
 * identities apart (ROC-AUC 0.58, recall@1 0.37 and 0.25), since every face shares one layout and
 * lighting moves every pixel. All three losses learn an embedding that carries over to unseen
 * identities: batch-hard triplet reaches ROC-AUC 0.953 and recall@1 0.879, ArcFace 0.955 and
 * 0.842, contrastive 0.930 and 0.850. ArcFace starts slowest (a classifier over 80 identities
 * must first find its class centres) and is level with triplet from epoch 12; contrastive loss
 * over every pair of a batch is dominated by the many impostor pairs that are already apart (its
 * loss falls to 0.02 within a few epochs) and stays behind. Triplet is trained on raw
 * (unnormalised) embeddings on purpose: with {@code normalize(true)} (margin 1 or 0.3), batch-hard
 * mining from the first step squeezed the embeddings almost to one point here (the loss stuck at
 * the margin from epoch 8 on; ROC-AUC 0.78, recall@1 0.65), the collapse FaceNet (Schroff et al.
 * 2015) warns of when the hardest negatives are used from the start. SupCon, which like
 * contrastive loss takes every pair of the batch but as one softmax per image, ends between
 * contrastive and triplet (0.940 and 0.825). CosFace ends level with
 * ArcFace (0.952 and 0.833). With a tenth of the labels wrong, ArcFace falls to 0.929 and 0.754;
 * sub-center ArcFace keeps recall@1 higher (0.783) at a slightly lower ROC-AUC (0.924): here the
 * sub-centers buy part of the loss back, not all of it (the paper also drops the non-dominant
 * sub-centers and retrains on the cleaned set, a second stage this example leaves out).
 */
public final class FacesExample implements Example {
    static final long SEED = 61;
    static final int SIZE = 16;
    private static final int TRAIN_IDS = 80;
    private static final int TEST_IDS = 24;
    private static final int TRAIN_PER_ID = 16;
    private static final int TEST_PER_ID = 10;
    private static final int BATCH_IDS = 16;
    private static final int PER_ID = 4;
    private static final int EMBEDDING = 32;
    private static final int[] HIDDEN = {128, 64};
    private static final int EPOCHS = 40;
    private static final double LR = 0.001;
    /** ArcFace's logit scale and angular margin: insightface's 64 and 0.5 suit thousands of identities; these suit 80. */
    private static final double ARC_SCALE = 16;
    private static final double ARC_MARGIN = 0.3;
    /** CosFace's logit scale and cosine margin, on the same scale as ArcFace's. */
    private static final double COS_MARGIN = 0.2;
    /** The fraction of training images whose identity label is replaced by another identity's, in the noisy runs. */
    private static final double NOISE = 0.1;
    /** Sub-centers per identity in sub-center ArcFace (insightface's choice). */
    private static final int SUB_CENTERS = 3;
    /** Held-out identities drawn in the embedding figure (the scatter's palette has eight colours). */
    private static final int SHOWN_IDS = 8;

    static final String TRIPLET = "TripletLoss(HARD)";
    static final String CONTRASTIVE = "ContrastiveLoss(cosine)";
    static final String ARCFACE = "ArcFace (CosineOutputLayer)";
    static final String COSFACE = "CosFace (CosineOutputLayer)";
    static final String SUPCON = "SupervisedContrastiveLoss";
    static final String NOISY_ARCFACE = "ArcFace (10% noisy labels)";
    static final String SUB_CENTER = "sub-center ArcFace (noisy)";
    static final String UNTRAINED = "untrained network";
    static final String PIXELS = "raw pixels";
    static final String AUC = "held-out verification ROC-AUC";
    static final String RECALL = "held-out recall@1";

    @Override
    public String name() {
        return "faces";
    }

    @Override
    public List<String> aliases() {
        return List.of("verification");
    }

    @Override
    public String description() {
        return "synthetic faces: TripletLoss (batch-hard) vs ContrastiveLoss vs SupCon vs ArcFace and CosFace, and sub-center "
                + "ArcFace under label noise; ROC-AUC and recall@1 on unseen identities";
    }

    /** A way to train the embedding: its network, where the embedding is read, and the identity labels it trains on. */
    private record Method(String name, MultiLayerNetwork net, int embeddingLayer, INDArray labels) {
    }

    @Override
    public List<Result> run(Budget budget, Output out) throws IOException {
        Random random = new Random(SEED);
        Faces train = Faces.generate(TRAIN_IDS, TRAIN_PER_ID, random);
        Faces test = Faces.generate(TEST_IDS, TEST_PER_ID, random);
        int epochs = budget.epochs(EPOCHS);
        out.progress("%d training identities x %d images, %d unseen identities x %d held-out images (%dx%d); "
                        + "%d epochs of batches of %d identities x %d images",
                TRAIN_IDS, TRAIN_PER_ID, TEST_IDS, TEST_PER_ID, SIZE, SIZE, epochs, BATCH_IDS, PER_ID);
        INDArray trainX = Training.matrix(train.pixels);
        INDArray trainY = Training.matrix(column(train.ids));
        INDArray noisyY = Training.matrix(column(corrupt(train.ids, TRAIN_IDS, new Random(SEED + 2))));
        INDArray testX = Training.matrix(test.pixels);

        List<Result> results = new ArrayList<>();
        List<XYChart> panels = new ArrayList<>();
        Verification pixels = Verification.of(test.pixels, test.ids);
        results.add(new Result(name(), PIXELS, AUC, pixels.auc, 0));
        results.add(new Result(name(), PIXELS, RECALL, pixels.recallAt1, 0));
        out.progress("%-28s ROC-AUC %.4f  recall@1 %.4f", PIXELS, pixels.auc, pixels.recallAt1);

        int last = HIDDEN[HIDDEN.length - 1];
        List<Method> methods = List.of(
                new Method(TRIPLET, network(new OutputLayer.Builder(TripletLoss.builder().mining(TripletLoss.Mining.HARD).build())
                        .nIn(last).nOut(EMBEDDING).activation(Activation.IDENTITY).build()), HIDDEN.length, trainY),
                new Method(CONTRASTIVE, network(new OutputLayer.Builder(ContrastiveLoss.builder()
                        .layout(ContrastiveLoss.Layout.GROUPS).distance(Distance.COSINE).build())
                        .nIn(last).nOut(EMBEDDING).activation(Activation.IDENTITY).build()), HIDDEN.length, trainY),
                new Method(SUPCON, network(new OutputLayer.Builder(new SupervisedContrastiveLoss())
                        .nIn(last).nOut(EMBEDDING).activation(Activation.IDENTITY).build()), HIDDEN.length, trainY),
                classifier(ARCFACE, arcFace(), 1, trainY),
                classifier(COSFACE, AdditiveCosineMarginLoss.builder().scale(ARC_SCALE).margin(COS_MARGIN).build(), 1, trainY),
                classifier(NOISY_ARCFACE, arcFace(), 1, noisyY),
                classifier(SUB_CENTER, arcFace(), SUB_CENTERS, noisyY));

        // Every method starts from the same first layers (same seed and shapes): the untrained embedding.
        Verification untrained = Verification.of(embed(methods.get(0), testX), test.ids);
        results.add(new Result(name(), UNTRAINED, AUC, untrained.auc, 0));
        results.add(new Result(name(), UNTRAINED, RECALL, untrained.recallAt1, 0));
        out.progress("%-28s ROC-AUC %.4f  recall@1 %.4f", UNTRAINED, untrained.auc, untrained.recallAt1);
        panels.add(scatter(UNTRAINED, untrained, embed(methods.get(0), testX), test.ids));

        List<Training.Curve> curves = new ArrayList<>();
        for (Method m : methods) {
            Training.Curve curve = fit(m, trainX, train.ids, testX, test.ids, epochs, out);
            curves.add(curve);
            double[][] embeddings = embed(m, testX);
            Verification v = Verification.of(embeddings, test.ids);
            out.progress("%-28s ROC-AUC %.4f  recall@1 %.4f", m.name, v.auc, v.recallAt1);
            results.add(new Result(name(), m.name, AUC, v.auc, curve.seconds()));
            results.add(new Result(name(), m.name, RECALL, v.recallAt1, curve.seconds()));
            panels.add(scatter(m.name, v, embeddings, test.ids));
        }
        samples(out, test);
        Plots.saveGrid(out.png("embeddings"), 2, panels);
        Plots.saveCurves(out.png("curves"), "synthetic faces", curves, true);
        return results;
    }

    private static AdditiveAngularMarginLoss arcFace() {
        return AdditiveAngularMarginLoss.builder().scale(ARC_SCALE).margin(ARC_MARGIN).build();
    }

    /**
     * A margin classifier over the training identities: the embedding layer, then
     * {@code CosineOutputLayer} with {@code subCenters} centres per identity and the margin loss.
     */
    private static Method classifier(String name, ILossFunction loss, int subCenters, INDArray labels) {
        int last = HIDDEN[HIDDEN.length - 1];
        return new Method(name, network(
                new DenseLayer.Builder().nIn(last).nOut(EMBEDDING).activation(Activation.IDENTITY).build(),
                new CosineOutputLayer.Builder(loss).nIn(EMBEDDING).nOut(TRAIN_IDS).subCenters(subCenters).build()),
                HIDDEN.length, labels);
    }

    /**
     * The identities with a fraction {@value #NOISE} of them replaced by a uniformly drawn other
     * identity: label noise as in a web-crawled face set, where sub-centers should help (Deng et al. 2020).
     */
    static int[] corrupt(int[] ids, int identities, Random random) {
        int[] noisy = ids.clone();
        for (int r = 0; r < noisy.length; r++) {
            if (random.nextDouble() < NOISE) {
                noisy[r] = (ids[r] + 1 + random.nextInt(identities - 1)) % identities;
            }
        }
        return noisy;
    }

    /**
     * The shared embedding network: {@code 256 -> 128 -> 64} tanh, then {@code top}: the
     * embedding layer (an output layer with the loss), or for ArcFace the embedding layer and the
     * cosine classifier over it. Adam, Xavier initialisation from one seed, float32.
     */
    private static MultiLayerNetwork network(Layer... top) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(SEED).dataType(DataType.FLOAT).updater(new Adam(LR)).weightInit(WeightInit.XAVIER).list();
        int width = SIZE * SIZE;
        for (int h : HIDDEN) {
            list.layer(new DenseLayer.Builder().nIn(width).nOut(h).activation(Activation.TANH).build());
            width = h;
        }
        for (Layer layer : top) {
            list.layer(layer);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /**
     * Trains one method on identity-balanced batches: every epoch each training identity's images
     * are shuffled into groups of {@value #PER_ID}, and {@value #BATCH_IDS} groups of different
     * identities form a batch. The batch order comes from the same seed for every method; the
     * batches follow the true identities, and a method trained on noisy labels reads its own
     * labels for the same rows.
     */
    private static Training.Curve fit(Method m, INDArray x, int[] ids, INDArray testX, int[] testIds, int epochs,
                                      Output out) {
        long start = System.nanoTime();
        Random random = new Random(SEED + 1);
        double[] epochAxis = new double[epochs];
        double[] trainLoss = new double[epochs];
        List<Double> probeEpochs = new ArrayList<>(List.of(0.0));
        List<Double> probe = new ArrayList<>(List.of(Verification.of(embed(m, testX), testIds).auc));
        int printEvery = Math.max(1, epochs / 5);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double sum = 0;
            int batches = 0;
            for (int[] batch : batches(ids, random)) {
                m.net.fit(Nd4j.pullRows(x, 1, batch), Nd4j.pullRows(m.labels, 1, batch));
                sum += m.net.score();
                batches++;
            }
            epochAxis[epoch - 1] = epoch;
            trainLoss[epoch - 1] = sum / batches;
            if (epoch % Math.max(1, epochs / 10) == 0 || epoch == epochs) {
                double auc = Verification.of(embed(m, testX), testIds).auc;
                probeEpochs.add((double) epoch);
                probe.add(auc);
                if (epoch % printEvery == 0 || epoch == epochs) {
                    out.progress("%-28s epoch %3d/%d  loss %.4f  %s %.4f", m.name, epoch, epochs, trainLoss[epoch - 1],
                            AUC, auc);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Training.Curve(m.name, AUC, epochAxis, trainLoss,
                probeEpochs.stream().mapToDouble(Double::doubleValue).toArray(),
                probe.stream().mapToDouble(Double::doubleValue).toArray(), seconds);
    }

    /**
     * One epoch's batches (row indices): {@value #BATCH_IDS} identities x {@value #PER_ID} images
     * each, so every anchor of batch-hard mining has positives and negatives. Assumes every
     * identity has the same number of images, a multiple of {@value #PER_ID} (then every row is
     * used once); identities beyond a multiple of {@value #BATCH_IDS} sit out that round.
     */
    static List<int[]> batches(int[] ids, Random random) {
        int identities = Arrays.stream(ids).max().orElse(-1) + 1;
        List<List<Integer>> rowsOf = new ArrayList<>();
        for (int c = 0; c < identities; c++) {
            rowsOf.add(new ArrayList<>());
        }
        for (int r = 0; r < ids.length; r++) {
            rowsOf.get(ids[r]).add(r);
        }
        for (List<Integer> rows : rowsOf) {
            Collections.shuffle(rows, random);
        }
        int rounds = rowsOf.get(0).size() / PER_ID;
        List<int[]> batches = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            int[] order = Training.permutation(identities, random);
            for (int from = 0; from + BATCH_IDS <= identities; from += BATCH_IDS) {
                int[] batch = new int[BATCH_IDS * PER_ID];
                int k = 0;
                for (int i = from; i < from + BATCH_IDS; i++) {
                    for (int j = 0; j < PER_ID; j++) {
                        batch[k++] = rowsOf.get(order[i]).get(round * PER_ID + j);
                    }
                }
                batches.add(batch);
            }
        }
        return batches;
    }

    /** The embeddings of {@code x}: the output of the method's embedding layer, as rows of doubles. */
    private static double[][] embed(Method m, INDArray x) {
        List<INDArray> activations = m.net.feedForwardToLayer(m.embeddingLayer, x, false);
        return Training.rows(activations.get(m.embeddingLayer + 1));
    }

    /**
     * Verification on held-out images, by the library's evaluation API: cosine similarities of all
     * genuine and impostor pairs (ROC-AUC), and leave-one-out nearest neighbour by cosine (recall@1).
     */
    record Verification(double auc, double recallAt1) {
        static Verification of(double[][] embeddings, int[] ids) {
            INDArray e = Nd4j.createFromArray(embeddings);
            double auc = VerificationScores.allPairs(e, Nd4j.createFromArray(ids)).rocAuc();
            return new Verification(auc, new RetrievalEvaluator().recallAt(1).leaveOneOut(e, ids).recallAt(1));
        }
    }

    static double[] unit(double[] v) {
        double norm = 0;
        for (double a : v) {
            norm += a * a;
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        double[] u = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            u[k] = v[k] / norm;
        }
        return u;
    }

    /** The 2-D projection of the L2-normalised embeddings of the first held-out identities. */
    private static XYChart scatter(String method, Verification v, double[][] embeddings, int[] ids) {
        List<double[]> rows = new ArrayList<>();
        List<Integer> shown = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < SHOWN_IDS) {
                rows.add(unit(embeddings[i]));
                shown.add(ids[i]);
            }
        }
        return Plots.embeddingScatter(String.format(Locale.ROOT, "%s: AUC %.3f, R@1 %.3f", method, v.auc, v.recallAt1),
                rows.toArray(new double[0][]), shown.stream().mapToInt(Integer::intValue).toArray());
    }

    private static double[][] column(int[] values) {
        double[][] out = new double[values.length][1];
        for (int i = 0; i < values.length; i++) {
            out[i][0] = values[i];
        }
        return out;
    }

    /** A few held-out identities (rows), several images of each (columns), scaled up 4x. */
    private static void samples(Output out, Faces test) throws IOException {
        int scale = 4;
        int rows = 6;
        int columns = TEST_PER_ID;
        int tile = SIZE * scale + 4;
        BufferedImage image = new BufferedImage(columns * tile, rows * tile, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.dispose();
        for (int id = 0; id < rows; id++) {
            for (int c = 0; c < columns; c++) {
                double[] pixels = test.pixels[id * TEST_PER_ID + c];
                for (int a = 0; a < SIZE; a++) {
                    for (int b = 0; b < SIZE; b++) {
                        double level = Math.max(0, Math.min(1, 0.5 + 0.4 * pixels[a * SIZE + b]));
                        int v = (int) Math.round(255 * level);
                        for (int u = 0; u < scale; u++) {
                            for (int w = 0; w < scale; w++) {
                                image.setRGB(c * tile + 2 + b * scale + w, id * tile + 2 + a * scale + u,
                                        (v << 16) | (v << 8) | v);
                            }
                        }
                    }
                }
            }
        }
        ImageIO.write(image, "png", out.png("samples").toFile());
    }

    /** Images {@code [N, SIZE*SIZE]} (row-major pixels) and their identities, grouped by identity. */
    record Faces(double[][] pixels, int[] ids) {
        /** {@code identities} new prototypes, {@code perId} images of each, in identity order. */
        static Faces generate(int identities, int perId, Random random) {
            double[][] pixels = new double[identities * perId][];
            int[] ids = new int[identities * perId];
            for (int c = 0; c < identities; c++) {
                Blob[] prototype = prototype(random);
                for (int k = 0; k < perId; k++) {
                    pixels[c * perId + k] = render(prototype, random);
                    ids[c * perId + k] = c;
                }
            }
            return new Faces(pixels, ids);
        }
    }

    /** An elliptical Gaussian blob: centre, widths and strength; {@code expressive} ones vary per image. */
    record Blob(double x, double y, double sx, double sy, double amplitude, boolean expressive) {
        double at(double u, double v) {
            double du = (u - x) / sx;
            double dv = (v - y) / sy;
            return amplitude * Math.exp(-0.5 * (du * du + dv * dv));
        }
    }

    /**
     * One identity, in coordinates {@code [-1, 1]^2} (y down): a head, two eyes, a nose and a
     * mouth, each at a position, size and strength of its own around the shared layout, and three
     * marks (moles, shadows) anywhere on the face.
     */
    static Blob[] prototype(Random r) {
        double eyeY = -0.22 + 0.08 * r.nextGaussian();
        double eyeGap = 0.30 + 0.06 * r.nextGaussian();
        double eyeSize = 0.10 * (1 + 0.25 * r.nextGaussian());
        double eyeDark = -0.8 * (1 + 0.25 * r.nextGaussian());
        List<Blob> blobs = new ArrayList<>();
        blobs.add(new Blob(0.05 * r.nextGaussian(), 0.05 * r.nextGaussian(), 0.55 * (1 + 0.12 * r.nextGaussian()),
                0.72 * (1 + 0.12 * r.nextGaussian()), 1.0, false));
        blobs.add(new Blob(-eyeGap, eyeY, eyeSize, eyeSize, eyeDark, true));
        blobs.add(new Blob(eyeGap, eyeY + 0.03 * r.nextGaussian(), eyeSize, eyeSize, eyeDark, true));
        blobs.add(new Blob(0.04 * r.nextGaussian(), 0.1 + 0.06 * r.nextGaussian(), 0.07, 0.16 * (1 + 0.25 * r.nextGaussian()),
                0.35 * (1 + 0.3 * r.nextGaussian()), false));
        blobs.add(new Blob(0.04 * r.nextGaussian(), 0.45 + 0.07 * r.nextGaussian(), 0.22 * (1 + 0.25 * r.nextGaussian()),
                0.06, -0.6 * (1 + 0.25 * r.nextGaussian()), true));
        for (int i = 0; i < 3; i++) {
            double sign = r.nextBoolean() ? 1 : -1;
            blobs.add(new Blob(-0.5 + r.nextDouble(), -0.6 + 1.2 * r.nextDouble(), 0.08 + 0.12 * r.nextDouble(),
                    0.08 + 0.12 * r.nextDouble(), sign * (0.3 + 0.4 * r.nextDouble()), false));
        }
        return blobs.toArray(new Blob[0]);
    }

    /**
     * One image of an identity: the prototype zoomed (0.9 to 1.1), shifted (up to about a pixel
     * each way), with its eyes and mouth at a strength of the moment (expression, +-20%), lit by
     * a random brightness, contrast and gradient, plus pixel noise.
     */
    static double[] render(Blob[] prototype, Random r) {
        double zoom = 0.9 + 0.2 * r.nextDouble();
        double dx = 0.12 * (2 * r.nextDouble() - 1);
        double dy = 0.12 * (2 * r.nextDouble() - 1);
        double[] expression = new double[prototype.length];
        for (int i = 0; i < prototype.length; i++) {
            expression[i] = prototype[i].expressive ? 1 + 0.2 * r.nextGaussian() : 1;
        }
        double contrast = 0.75 + 0.5 * r.nextDouble();
        double brightness = 0.3 * r.nextGaussian();
        double gradientAngle = 2 * Math.PI * r.nextDouble();
        double gradient = 0.3 * r.nextGaussian();
        double[] pixels = new double[SIZE * SIZE];
        for (int a = 0; a < SIZE; a++) {
            for (int b = 0; b < SIZE; b++) {
                double u = (b + 0.5) / SIZE * 2 - 1;
                double v = (a + 0.5) / SIZE * 2 - 1;
                double fu = (u - dx) / zoom;
                double fv = (v - dy) / zoom;
                double face = 0;
                for (int i = 0; i < prototype.length; i++) {
                    face += expression[i] * prototype[i].at(fu, fv);
                }
                double light = brightness + gradient * (u * Math.cos(gradientAngle) + v * Math.sin(gradientAngle));
                pixels[a * SIZE + b] = contrast * face + light + 0.15 * r.nextGaussian();
            }
        }
        return pixels;
    }
}
