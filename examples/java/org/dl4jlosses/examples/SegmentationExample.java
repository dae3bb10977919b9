package org.dl4jlosses.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.segmentation.DiceCrossEntropyLoss;
import org.dl4jlosses.segmentation.DiceLoss;
import org.dl4jlosses.segmentation.GeneralizedDiceLoss;
import org.dl4jlosses.segmentation.TverskyLoss;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Example 6: segmentation of small shapes, and of rare ones: what an overlap loss changes against
 * per-pixel cross-entropy, and what Tversky and generalized Dice change against Dice when the
 * foreground is 1% of the image, and what adding a per-pixel cross-entropy to Dice does there.
 *
 * <p>Part 1. Synthetic 32x32 images hold one or two discs or squares (about 8% of the pixels) on a
 * noisy, slowly varying background; the task is the shape mask. The same small fully convolutional
 * network ({@code CnnLossLayer}, sigmoid, one channel) trains with {@code BinaryCrossEntropyLoss}
 * (per pixel) and with {@code DiceLoss} per image ({@code rowsPerSample = 32 x 32}: the rows
 * {@code CnnLossLayer} hands the loss for one image). The metrics are the Dice coefficient and IoU
 * of the thresholded masks on held-out images.
 *
 * <p>What it shows, as measured: per-pixel cross-entropy is dominated by the 92% of easy
 * background pixels; for its first 25 epochs the network predicts background everywhere (held-out
 * Dice 0), and only then finds the shapes. Dice loss weighs each image's foreground as a whole and
 * reaches Dice 0.60 after 5 epochs. At the full 40 epochs both reach the same overlap (0.77 and
 * 0.76): Dice's advantage here is getting there, not the end point.
 *
 * <p>Part 2, class imbalance. The same kind of images, from their own seed, hold one or two tiny
 * discs (radius 1 or 2: 5 or 13 pixels; 1.4% of the pixels); 96 training and 64 held-out images,
 * 16 epochs. The same network, from the same initial weights, trains with {@code DiceLoss},
 * {@code TverskyLoss} with alpha 0.3 and beta 0.7 (a missed foreground pixel costs more than a
 * false alarm) and the focal Tversky loss (the same and gamma 4/3, Abraham and Khan's), all per
 * image on the one sigmoid channel. {@code GeneralizedDiceLoss} pools the classes, each weighted by
 * the inverse of its squared label volume; on a single channel that pooling is Dice itself, so it
 * trains on a two-channel variant of the network (last layer 2 channels, softmax over background
 * and foreground, one-hot labels; its first two layers start from the same weights), next to
 * {@code DiceLoss} on the same two channels (background included: the mean of the two classes'
 * Dice losses, the default). The metrics are, for the masks thresholded at foreground probability
 * 0.5 over all held-out pixels: Dice, IoU, recall (the fraction of the true foreground pixels
 * found) and precision (the fraction of the predicted pixels that are foreground).
 *
 * <p>What it shows, as measured (held-out Dice / IoU / recall / precision): Dice loss 0.517 /
 * 0.349 / 0.484 / 0.556, Tversky 0.516 / 0.348 / 0.586 / 0.461, focal Tversky 0.516 / 0.348 /
 * 0.569 / 0.472: the same overlap, with precision traded for recall. On three more seeds (data and
 * initial weights) tried while writing this example, Tversky's recall was again above Dice's each
 * time (by 0.03 to 0.13 over the four seeds), and focal Tversky's too (by 0.07 to 0.12), with
 * Dice within about 0.03 of Dice loss's; precision fell at every seed but one (plain Tversky at
 * one seed: +0.03). Gamma 4/3 made no consistent difference beyond that. Dice over the two softmax
 * channels averages a background Dice near 1 with the foreground's; within a few epochs the
 * network predicts background everywhere and stays there (held-out Dice 0 at all four seeds, its
 * training loss flat from the 8th epoch). Generalized Dice, whose weights make the rare
 * foreground count, learns: 0.548 / 0.377 / 0.435 / 0.739. That it beats the sigmoid Dice loss
 * (at all four seeds) is the two-channel network's doing, not its weighting's: {@code DiceLoss} on
 * the same two channels without the background column ({@code includeBackground(false)}; measured
 * separately, not part of the tour) came within 0.02 of it at each seed (0.528 / 0.358 / 0.402 /
 * 0.769 here). On one foreground class, generalized Dice is foreground Dice with a small
 * background term; its weights matter against Dice's plain mean over the classes.
 *
 * <p>Dice plus a per-pixel term, on the one sigmoid channel ({@code DiceCrossEntropyLoss}: Dice per
 * image plus the mean binary cross-entropy over the pixels, nnU-Net's default; with gamma 2 the
 * focal loss instead of the cross-entropy). On tiny structures the per-pixel term holds Dice back:
 * 98.6% of the pixels are background, and the cross-entropy first teaches the network to predict
 * background everywhere. Dice + cross-entropy found no disc in 16 epochs (held-out Dice 0.000); at
 * a second data seed it started late and reached 0.380 against Dice loss's 0.479. The focal term
 * weighs the easy background down, and Dice + focal did as well as Dice or better: 0.518 / 0.349 /
 * 0.403 / 0.725 here (Dice's 0.517 with far fewer false alarms), 0.519 against 0.479 at the second
 * seed. After 4 epochs neither had found a disc yet at either seed, where Dice alone had (0.29).
 *
 * <p>Time, on the two-core machine while another process kept one core busy: the whole example
 * 78 to 84 s at full budget (part 2 6 to 8 s per loss); 75 s before the two Dice + cross-entropy
 * losses were added, 67 s when the machine was quieter. Part 1 alone took 41 s under similar load
 * before part 2 was added.
 */
public final class SegmentationExample implements Example {
    static final long SEED = 53;
    private static final int SIZE = 32;
    private static final int TRAIN = 96;
    private static final int TEST = 32;
    private static final int BATCH = 16;
    private static final int EPOCHS = 40;
    /** The second part's data seed, images and epochs. */
    static final long RARE_SEED = SEED + 1;
    private static final int RARE_TRAIN = 96;
    private static final int RARE_TEST = 64;
    private static final int RARE_EPOCHS = 16;
    /** The labels of the second part's rows: its losses, prefixed so that they do not mix with the first part's. */
    static final String RARE = "tiny discs: ";
    static final String RARE_DICE = RARE + "DiceLoss";
    static final String RARE_TVERSKY = RARE + "TverskyLoss(alpha=0.3, beta=0.7)";
    static final String RARE_FOCAL = RARE + "TverskyLoss(alpha=0.3, beta=0.7, gamma=4/3)";
    static final String RARE_DICE_CE = RARE + "DiceCrossEntropyLoss";
    static final String RARE_DICE_FOCAL = RARE + "DiceCrossEntropyLoss(gamma=2)";
    static final String RARE_DICE_SOFTMAX = RARE + "DiceLoss(softmax, 2 channels)";
    static final String RARE_GENERALIZED = RARE + "GeneralizedDiceLoss(softmax, 2 channels)";
    static final String DICE = "held-out Dice";
    static final String IOU = "held-out IoU";
    static final String RECALL = "held-out recall";
    static final String PRECISION = "held-out precision";

    @Override
    public String name() {
        return "segmentation";
    }

    @Override
    public List<String> aliases() {
        return List.of("dice", "tversky");
    }

    @Override
    public String description() {
        return "shapes on noise, CnnLossLayer: BinaryCrossEntropyLoss vs DiceLoss per image; tiny discs (1.4% of pixels):"
                + " DiceLoss vs TverskyLoss, focal Tversky, GeneralizedDiceLoss; held-out Dice, IoU, recall, precision";
    }

    @Override
    public List<Result> run(Budget budget, Output out) throws IOException {
        List<Result> results = new ArrayList<>();
        results.addAll(shapes(budget, out));
        results.addAll(tinyDiscs(budget, out));
        return results;
    }

    /** Part 1: one or two discs or squares per image (about 8% of the pixels), cross-entropy against Dice loss. */
    private List<Result> shapes(Budget budget, Output out) throws IOException {
        Random random = new Random(SEED);
        INDArray[] train = images(TRAIN, random, false);
        INDArray[] test = images(TEST, random, false);
        int epochs = budget.epochs(EPOCHS);
        out.progress("%d training and %d held-out images of %dx%d; %d epochs of minibatches of %d",
                TRAIN, TEST, SIZE, SIZE, epochs, BATCH);

        Map<String, ILossFunction> losses = new LinkedHashMap<>();
        losses.put("BinaryCrossEntropyLoss", new BinaryCrossEntropyLoss());
        losses.put("DiceLoss(per image)", DiceLoss.builder().rowsPerSample(SIZE * SIZE).build());

        List<Result> results = new ArrayList<>();
        List<Training.Curve> curves = new ArrayList<>();
        List<INDArray> predictions = new ArrayList<>();
        for (Map.Entry<String, ILossFunction> e : losses.entrySet()) {
            Run run = fit(e.getKey(), 24, network(e.getValue(), false), train[0], train[1], test, epochs, 8, out);
            predictions.add(run.foreground());
            double[] metrics = overlap(run.foreground(), test[1]);
            double seconds = run.curve().seconds();
            results.add(new Result(name(), e.getKey(), DICE, metrics[0], seconds));
            results.add(new Result(name(), e.getKey(), IOU, metrics[1], seconds));
            curves.add(run.curve());
        }
        Plots.saveCurves(out.png("curves"), "shapes on noise", curves, true);
        overlays(out.png("overlays"), test, predictions, false);
        return results;
    }

    /**
     * Part 2: one or two tiny discs per image (about 1.4% of the pixels). Dice, Tversky and focal
     * Tversky on the one-channel sigmoid network; Dice and generalized Dice on the two-channel
     * softmax one.
     */
    private List<Result> tinyDiscs(Budget budget, Output out) throws IOException {
        Random random = new Random(RARE_SEED);
        INDArray[] train = images(RARE_TRAIN, random, true);
        INDArray[] test = images(RARE_TEST, random, true);
        int epochs = budget.epochs(RARE_EPOCHS);
        out.progress("tiny discs: %d training and %d held-out images (%.1f%% and %.1f%% foreground pixels); %d epochs",
                RARE_TRAIN, RARE_TEST, 100 * train[1].meanNumber().doubleValue(), 100 * test[1].meanNumber().doubleValue(),
                epochs);

        int pixels = SIZE * SIZE;
        Map<String, ILossFunction> losses = new LinkedHashMap<>();
        losses.put(RARE_DICE, DiceLoss.builder().rowsPerSample(pixels).build());
        losses.put(RARE_TVERSKY, TverskyLoss.builder().alpha(0.3).beta(0.7).rowsPerSample(pixels).build());
        losses.put(RARE_FOCAL, TverskyLoss.builder().alpha(0.3).beta(0.7).gamma(4.0 / 3).rowsPerSample(pixels).build());
        losses.put(RARE_DICE_CE, DiceCrossEntropyLoss.builder().rowsPerSample(pixels).build());
        losses.put(RARE_DICE_FOCAL, DiceCrossEntropyLoss.builder().gamma(2).rowsPerSample(pixels).build());
        losses.put(RARE_DICE_SOFTMAX, DiceLoss.builder().rowsPerSample(pixels).build());
        losses.put(RARE_GENERALIZED, GeneralizedDiceLoss.builder().rowsPerSample(pixels).build());

        List<Result> results = new ArrayList<>();
        List<Training.Curve> curves = new ArrayList<>();
        List<INDArray> predictions = new ArrayList<>();
        for (Map.Entry<String, ILossFunction> e : losses.entrySet()) {
            boolean twoChannels = e.getKey().equals(RARE_DICE_SOFTMAX) || e.getKey().equals(RARE_GENERALIZED);
            INDArray labels = twoChannels ? Nd4j.concat(1, train[1].rsub(1), train[1]) : train[1];
            String label = e.getKey().substring(RARE.length());
            Run run = fit(label, 44, network(e.getValue(), twoChannels), train[0], labels, test, epochs, 4, out);
            predictions.add(run.foreground());
            double[] m = overlap(run.foreground(), test[1]);
            double seconds = run.curve().seconds();
            out.progress("%-44s held-out Dice %.3f  IoU %.3f  recall %.3f  precision %.3f", label, m[0], m[1], m[2],
                    m[3]);
            results.add(new Result(name(), e.getKey(), DICE, m[0], seconds));
            results.add(new Result(name(), e.getKey(), IOU, m[1], seconds));
            results.add(new Result(name(), e.getKey(), RECALL, m[2], seconds));
            results.add(new Result(name(), e.getKey(), PRECISION, m[3], seconds));
            curves.add(run.curve());
        }
        Plots.saveCurves(out.png("tiny-curves"), "tiny discs", curves, true);
        overlays(out.png("tiny-overlays"), test, predictions, true);
        return results;
    }

    /** A trained network's curve and its foreground probabilities on the held-out images, {@code [n, 1, S, S]}. */
    private record Run(Training.Curve curve, INDArray foreground) {
    }

    /**
     * Trains on minibatches in a fixed order for {@code epochs} epochs, probing the held-out Dice
     * before, about {@code probes} times along the way and at the end, and printing it with the
     * label padded to {@code width}; {@code labels} are one or two channels, as the network's output.
     */
    private static Run fit(String label, int width, MultiLayerNetwork net, INDArray x, INDArray labels, INDArray[] test,
                           int epochs, int probes, Output out) {
        long start = System.nanoTime();
        int n = (int) x.size(0);
        double[] epochAxis = new double[epochs];
        double[] trainLoss = new double[epochs];
        List<Double> probeEpochs = new ArrayList<>(List.of(0.0));
        List<Double> probe = new ArrayList<>(List.of(overlap(foreground(net, test[0]), test[1])[0]));
        INDArray predicted = null;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double sum = 0;
            for (int from = 0; from < n; from += BATCH) {
                net.fit(rows(x, from, from + BATCH), rows(labels, from, from + BATCH));
                sum += net.score();
            }
            epochAxis[epoch - 1] = epoch;
            trainLoss[epoch - 1] = sum / (n / BATCH);
            if (epoch % Math.max(1, epochs / probes) == 0 || epoch == epochs) {
                predicted = foreground(net, test[0]);
                double dice = overlap(predicted, test[1])[0];
                probeEpochs.add((double) epoch);
                probe.add(dice);
                out.progress("%-" + width + "s epoch %3d/%d  loss %.4f  held-out Dice %.4f", label, epoch, epochs,
                        trainLoss[epoch - 1], dice);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(new Training.Curve(label, DICE, epochAxis, trainLoss,
                probeEpochs.stream().mapToDouble(Double::doubleValue).toArray(),
                probe.stream().mapToDouble(Double::doubleValue).toArray(), seconds), predicted);
    }

    /** The foreground probability per pixel, {@code [n, 1, S, S]}: the one channel, or channel 1 of two. */
    private static INDArray foreground(MultiLayerNetwork net, INDArray x) {
        INDArray p = net.output(x);
        return p.size(1) == 1 ? p
                : p.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 2), NDArrayIndex.all(), NDArrayIndex.all()).dup();
    }

    /**
     * Two 3x3 convolutions of 8 ReLU channels and a 1x1 convolution to the output, behind
     * {@code CnnLossLayer}: one sigmoid channel, or with {@code twoChannels} a softmax over
     * background and foreground.
     */
    private static MultiLayerNetwork network(ILossFunction loss, boolean twoChannels) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(SEED).dataType(DataType.FLOAT).updater(new Adam(0.01)).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(1, 1).nOut(twoChannels ? 2 : 1).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build())
                .layer(new CnnLossLayer.Builder(loss).activation(twoChannels ? Activation.SOFTMAX : Activation.SIGMOID)
                        .build())
                .setInputType(InputType.convolutional(SIZE, SIZE, 1))
                .build());
        net.init();
        return net;
    }

    private static INDArray rows(INDArray x, int from, int to) {
        return x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /**
     * {images [n, 1, S, S], masks [n, 1, S, S]}: one or two shapes on a noisy gradient background;
     * discs or squares of radius 2 to 4, or with {@code tiny} discs of radius 1 or 2 (5 or 13 pixels).
     */
    static INDArray[] images(int n, Random random, boolean tiny) {
        float[] x = new float[n * SIZE * SIZE];
        float[] y = new float[n * SIZE * SIZE];
        for (int i = 0; i < n; i++) {
            int base = i * SIZE * SIZE;
            int shapes = 1 + random.nextInt(2);
            for (int s = 0; s < shapes; s++) {
                boolean disc = tiny || random.nextBoolean();
                int r = tiny ? 1 + random.nextInt(2) : 2 + random.nextInt(3);
                int cx = r + random.nextInt(SIZE - 2 * r);
                int cy = r + random.nextInt(SIZE - 2 * r);
                for (int a = 0; a < SIZE; a++) {
                    for (int b = 0; b < SIZE; b++) {
                        boolean inside = disc ? (a - cx) * (a - cx) + (b - cy) * (b - cy) <= r * r
                                : Math.abs(a - cx) <= r && Math.abs(b - cy) <= r;
                        if (inside) {
                            y[base + a * SIZE + b] = 1f;
                        }
                    }
                }
            }
            double gx = random.nextGaussian() * 0.02;
            double gy = random.nextGaussian() * 0.02;
            for (int a = 0; a < SIZE; a++) {
                for (int b = 0; b < SIZE; b++) {
                    int k = base + a * SIZE + b;
                    x[k] = (float) (0.9 * y[k] + gx * (a - SIZE / 2) + gy * (b - SIZE / 2) + 0.4 * random.nextGaussian());
                }
            }
        }
        long[] shape = {n, 1, SIZE, SIZE};
        return new INDArray[] {Nd4j.create(x, shape, DataType.FLOAT), Nd4j.create(y, shape, DataType.FLOAT)};
    }

    /**
     * {Dice, IoU, recall, precision} of the masks thresholded at 0.5, over all held-out pixels:
     * recall is the fraction of true foreground pixels predicted, precision the fraction of
     * predicted pixels that are foreground (0 if none is).
     */
    static double[] overlap(INDArray probabilities, INDArray truth) {
        float[] p = probabilities.dup('c').data().asFloat();
        float[] t = truth.dup('c').data().asFloat();
        boolean[] predicted = new boolean[p.length];
        boolean[] actual = new boolean[t.length];
        int[] predictedClass = new int[p.length];
        int[] trueClass = new int[t.length];
        for (int i = 0; i < p.length; i++) {
            predicted[i] = p[i] >= 0.5f;
            actual[i] = t[i] >= 0.5f;
            predictedClass[i] = predicted[i] ? 1 : 0;
            trueClass[i] = actual[i] ? 1 : 0;
        }
        return new double[] {Metrics.dice(predicted, actual), Metrics.iou(predicted, actual),
            Metrics.recall(predictedClass, trueClass, 1), Metrics.precision(predictedClass, trueClass, 1)};
    }

    /**
     * Rows of input | truth | one prediction per loss, for four held-out images, scaled up 4x. With
     * {@code errors} each thresholded prediction is drawn by pixel kind: found (white), missed
     * (vermillion), false alarm (blue); otherwise as a probability.
     */
    private static void overlays(Path file, INDArray[] test, List<INDArray> predictions, boolean errors)
            throws IOException {
        int scale = 4;
        int shown = 4;
        int columns = 2 + predictions.size();
        int tile = SIZE * scale;
        BufferedImage image = new BufferedImage(columns * (tile + 4), shown * (tile + 4), BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < shown; i++) {
            List<INDArray> panels = new ArrayList<>();
            panels.add(test[0]);
            panels.add(test[1]);
            panels.addAll(predictions);
            for (int c = 0; c < columns; c++) {
                INDArray panel = panels.get(c);
                boolean input = c == 0;
                for (int a = 0; a < SIZE; a++) {
                    for (int b = 0; b < SIZE; b++) {
                        double v = panel.getDouble(i, 0, a, b);
                        int rgb;
                        if (errors && c >= 2) {
                            boolean found = v >= 0.5;
                            boolean truth = test[1].getDouble(i, 0, a, b) >= 0.5;
                            rgb = found && truth ? 0xFFFFFF : truth ? Plots.color(1).getRGB() & 0xFFFFFF
                                    : found ? Plots.color(0).getRGB() & 0xFFFFFF : 0;
                        } else {
                            double level = input ? Math.max(0, Math.min(1, 0.5 + 0.4 * v)) : Math.max(0, Math.min(1, v));
                            int g = (int) Math.round(255 * level);
                            rgb = input ? (g << 16) | (g << 8) | g : (g << 16) | (int) (g * 0.6) << 8 | 40;
                        }
                        for (int u = 0; u < scale; u++) {
                            for (int w = 0; w < scale; w++) {
                                image.setRGB(c * (tile + 4) + b * scale + w, i * (tile + 4) + a * scale + u, rgb);
                            }
                        }
                    }
                }
            }
        }
        ImageIO.write(image, "png", file.toFile());
    }
}
