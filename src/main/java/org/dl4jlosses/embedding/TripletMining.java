package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Triplet mining inside a batch by masked reductions over the pairwise distance matrix
 * {@code D [n, n]}: batch-all, batch-hard and TensorFlow Addons' semi-hard. Each returns the
 * reference value (a mean over triplets, anchors or positive pairs) and its derivative with respect
 * to D, which {@link DistanceMatrix#backward} turns into the embeddings' gradient.
 *
 * <p>Masks are 0/1 matrices in D's data type: {@code positives} has 1 where j is a positive of
 * anchor i (same group, j != i), {@code negatives} where j is in another group. A masked reduction
 * adds {@link #BIG} to the excluded entries (or subtracts it), so excluded entries can never be
 * selected; rows with nothing to select are removed by a validity mask afterwards. The mining
 * that needs a triplet tensor (all, semi-hard) works on blocks of anchors of at most
 * {@link #CHUNK_ELEMENTS} triplets, so memory stays O(n^2) however large the batch.
 */
final class TripletMining {
    /** Pushes an excluded entry out of a min or max; finite in float32 even when doubled. */
    private static final double BIG = 1e30;
    /** Triplets per anchor block: 2M elements, 16 MB in double per temporary. */
    private static final long CHUNK_ELEMENTS = 1L << 21;

    /** A mined loss: the reference mean and d(mean)/dD [n, n] (null when not asked for). */
    static final class Result {
        final double mean;
        final INDArray dMean;

        Result(double mean, INDArray dMean) {
            this.mean = mean;
            this.dMean = dMean;
        }
    }

    private TripletMining() {
    }

    /**
     * Batch-all: the mean of {@code max(0, D_ap - D_an + m)} over the valid triplets whose loss is
     * positive (0 when none is); with swap the negative distance is {@code min(D_an, D_pn)}. The
     * count of positive triplets is piecewise constant, so the gradient is that of the sum divided
     * by the count.
     */
    static Result all(INDArray d, INDArray positives, INDArray negatives, double margin, boolean swap,
                      boolean gradient) {
        int n = (int) d.size(0);
        DataType type = d.dataType();
        int chunk = chunk(n);
        double lossSum = 0;
        double count = 0;
        INDArray coefficients = gradient ? Nd4j.zeros(type, n, n) : null;
        for (int start = 0; start < n; start += chunk) {
            int c = Math.min(chunk, n - start);
            INDArray dA = rowsOf(d, start, c);
            // loss[a, p, k] = D_ap - D_ak + m over the triplets, 0 elsewhere
            INDArray loss = Nd4j.createUninitialized(type, c, n, n);
            INDArray swapped = null;
            if (swap) {
                // the negative distance min(D_ak, D_pk) = D_ak + swapped (D_pk - D_ak)
                INDArray gap = Nd4j.createUninitialized(type, c, n, n);
                Nd4j.exec(new SubOp(d.reshape(1, n, n), dA.reshape(c, 1, n), gap));
                swapped = gap.lt(0).castTo(type);
                Nd4j.exec(new AddOp(gap.muli(swapped), dA.reshape(c, 1, n), gap));
                Nd4j.exec(new SubOp(dA.reshape(c, n, 1), gap, loss));
            } else {
                Nd4j.exec(new SubOp(dA.reshape(c, n, 1), dA.reshape(c, 1, n), loss));
            }
            Transforms.relu(loss.addi(margin), false);
            INDArray valid = Nd4j.createUninitialized(type, c, n, n);
            Nd4j.exec(new MulOp(rowsOf(positives, start, c).reshape(c, n, 1),
                    rowsOf(negatives, start, c).reshape(c, 1, n), valid));
            loss.muli(valid);
            INDArray active = loss.gt(0).castTo(type);
            lossSum += loss.sumNumber().doubleValue();
            count += active.sumNumber().doubleValue();
            if (gradient) {
                // each active triplet adds +1 to dD_ap and -1 to dD_ak, or to dD_pk where swapped
                INDArray viaAnchor = swap ? active.mul(swapped.rsub(1)) : active;
                INDArray block = active.sum(2).subi(viaAnchor.sum(1));
                coefficients.get(NDArrayIndex.interval(start, start + c), NDArrayIndex.all()).addi(block);
                if (swap) {
                    coefficients.subi(active.muli(swapped).sum(0));
                }
            }
        }
        if (count == 0) {
            return new Result(0, gradient ? Nd4j.zeros(type, n, n) : null);
        }
        return new Result(lossSum / count, gradient ? coefficients.divi(count) : null);
    }

    /**
     * Batch-hard (Hermans, Beyer, Leibe 2017): for every anchor with at least one positive and one
     * negative, {@code max(0, max_p D_ap - min_n D_an + m)}; the mean over those anchors. With swap
     * the mined triplet (a, p*, n*) uses {@code min(D_an*, D_p*n*)} as its negative distance.
     */
    static Result hard(INDArray d, INDArray positives, INDArray negatives, double margin, boolean swap,
                       boolean gradient) {
        int n = (int) d.size(0);
        DataType type = d.dataType();
        INDArray valid = Ops.rowSums(positives).gt(0).castTo(type).muli(Ops.rowSums(negatives).gt(0).castTo(type));
        double anchors = Ops.sum(valid);
        if (anchors == 0) {
            return new Result(0, gradient ? Nd4j.zeros(type, n, n) : null);
        }
        INDArray positiveDistances = positives.sub(1).muli(BIG).addi(d);
        INDArray negativeDistances = negatives.rsub(1).muli(BIG).addi(d);
        INDArray negative = negativeDistances.min(true, 1);
        INDArray hardestPositive = swap || gradient ? oneHot(Nd4j.argMax(positiveDistances, 1), n, type) : null;
        INDArray hardestNegative = swap || gradient ? oneHot(Nd4j.argMin(negativeDistances, 1), n, type) : null;
        INDArray swapped = null;
        if (swap) {
            // D between each anchor's hardest positive and hardest negative: (P D) . N row by row
            INDArray positiveToNegative = Ops.rowSums(hardestPositive.mmul(d).muli(hardestNegative));
            swapped = positiveToNegative.lt(negative).castTo(type);
            negative = positiveToNegative.subi(negative).muli(swapped).addi(negative);
        }
        INDArray h = positiveDistances.max(true, 1).subi(negative).addi(margin);
        INDArray loss = Transforms.relu(h, true).muli(valid);
        double mean = Ops.sum(loss) / anchors;
        if (!gradient) {
            return new Result(mean, null);
        }
        INDArray active = h.gt(0).castTo(type).muli(valid).divi(anchors);
        INDArray viaAnchor = swap ? active.mul(swapped.rsub(1)) : active;
        INDArray coefficients = hardestPositive.mulColumnVector(active).subi(hardestNegative.mulColumnVector(viaAnchor));
        if (swap) {
            // -1 on D[p*(a), n*(a)] for every active swapped anchor a
            coefficients.subi(hardestPositive.transpose().mmul(hardestNegative.mulColumnVector(active.mul(swapped))));
        }
        return new Result(mean, coefficients);
    }

    /**
     * Semi-hard, as TensorFlow Addons' {@code triplet_semihard_loss}: for every positive pair
     * (a, p), the negative n with the smallest {@code D_an > D_ap} or, if there is none, the
     * largest {@code D_an}; {@code max(0, m + D_ap - D_an)}, the mean over all positive pairs
     * (a != p), including those with zero loss. A batch of one group has no negatives and gives 0
     * (TensorFlow Addons would compare with a distance of 0 instead).
     */
    static Result semiHard(INDArray d, INDArray positives, INDArray negatives, double margin, boolean gradient) {
        int n = (int) d.size(0);
        DataType type = d.dataType();
        INDArray pairs = positives.mulColumnVector(Ops.rowSums(negatives).gt(0).castTo(type));
        double count = Ops.sum(pairs);
        if (count == 0) {
            return new Result(0, gradient ? Nd4j.zeros(type, n, n) : null);
        }
        INDArray insideDistances = negatives.sub(1).muli(BIG).addi(d);
        INDArray inside = insideDistances.max(true, 1);
        INDArray insideChoice = gradient ? oneHot(Nd4j.argMax(insideDistances, 1), n, type) : null;
        int chunk = chunk(n);
        double lossSum = 0;
        INDArray coefficients = gradient ? Nd4j.zeros(type, n, n) : null;
        for (int start = 0; start < n; start += chunk) {
            int c = Math.min(chunk, n - start);
            INDArray dA = rowsOf(d, start, c);
            // farther[a, p, k] = 1 where k is a negative of a with D_ak > D_ap
            INDArray farther = Nd4j.createUninitialized(type, c, n, n);
            Nd4j.exec(new SubOp(dA.reshape(c, 1, n), dA.reshape(c, n, 1), farther));
            farther = farther.gt(0).castTo(type);
            Nd4j.exec(new MulOp(farther, rowsOf(negatives, start, c).reshape(c, 1, n), farther));
            // candidates[a, p, k] = D_ak where farther, else D_ak + BIG
            INDArray candidates = farther.rsub(1).muli(BIG);
            Nd4j.exec(new AddOp(candidates, dA.reshape(c, 1, n), candidates));
            INDArray hasOutside = farther.sum(2).gt(0).castTo(type);
            INDArray outside = candidates.min(2).muli(hasOutside);
            INDArray negative = hasOutside.rsub(1).muliColumnVector(rowsOf(inside, start, c)).addi(outside);
            INDArray h = dA.sub(negative).addi(margin);
            INDArray pairsA = rowsOf(pairs, start, c);
            lossSum += Ops.sum(Transforms.relu(h, true).muli(pairsA));
            if (gradient) {
                INDArray active = h.gt(0).castTo(type).muli(pairsA);
                INDArray viaOutside = active.mul(hasOutside);
                INDArray chosen = oneHot(Nd4j.argMin(candidates, 2), n, type)
                        .muliColumnVector(viaOutside.reshape((long) c * n, 1))
                        .reshape(c, n, n).sum(1);
                INDArray viaInside = Ops.rowSums(active.sub(viaOutside));
                INDArray block = active.subi(chosen)
                        .subi(rowsOf(insideChoice, start, c).mulColumnVector(viaInside));
                coefficients.get(NDArrayIndex.interval(start, start + c), NDArrayIndex.all()).assign(block);
            }
        }
        return new Result(lossSum / count, gradient ? coefficients.divi(count) : null);
    }

    /** Anchors per block so that a block's triplet tensor holds at most CHUNK_ELEMENTS entries. */
    private static int chunk(int n) {
        return (int) Math.max(1, Math.min(n, CHUNK_ELEMENTS / Math.max(1L, (long) n * n)));
    }

    /** Rows start..start+count-1 of m, as a new C-order matrix (reshaped by the callers). */
    private static INDArray rowsOf(INDArray m, int start, int count) {
        return m.get(NDArrayIndex.interval(start, start + count), NDArrayIndex.all()).dup('c');
    }

    /** [k, depth] one-hot rows of the k indices. */
    private static INDArray oneHot(INDArray indices, int depth, DataType type) {
        INDArray out = Nd4j.createUninitialized(type, indices.length(), depth);
        Nd4j.exec(new OneHot(indices.reshape(indices.length()).castTo(DataType.INT), out, depth));
        return out;
    }
}
