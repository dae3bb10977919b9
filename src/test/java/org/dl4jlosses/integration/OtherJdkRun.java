package org.dl4jlosses.integration;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dl4jlosses.integration.LossCases.Case;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The scores and gradients of a fixed set of inputs, one line per loss configuration: run in
 * another JVM by {@link OtherJdkTest}, whose own JVM computes the same lines to compare.
 */
public final class OtherJdkRun {
    private OtherJdkRun() {
    }

    /** Prints whether the Vector API's lanes are in use, then {@link #lines()}. */
    public static void main(String[] args) {
        System.out.println("vector=" + org.dl4jlosses.internal.LaneMath.VECTOR);
        for (String line : lines()) {
            System.out.println(line);
        }
    }

    /** {@code name|score|sum of the gradient|sum of its squares} for each configuration, float32 and float64. */
    static List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            Random random = new Random(11);
            for (Case c : LossCases.representative()) {
                INDArray labels = LossCases.labels(c.labels, 300, LossCases.K, random, type);
                INDArray z = LossCases.gaussian(300, LossCases.K, random, type);
                lines.add(line(type + " " + c, c.loss, c.activation, labels, z));
            }
            for (CoupledCatalogue.Entry e : CoupledCatalogue.all()) {
                CoupledCatalogue.Sample s = e.sample(random, type);
                lines.add(line(type + " " + e, e.loss, e.activation, s.labels, s.z));
            }
        }
        return lines;
    }

    private static String line(String name, ILossFunction loss, IActivation activation, INDArray labels, INDArray z) {
        INDArray gradient = loss.computeGradient(labels, z, activation, null);
        return name.replace('|', '/') + "|" + loss.computeScore(labels, z, activation, null, true) + "|"
                + gradient.sumNumber().doubleValue() + "|" + gradient.norm2Number().doubleValue();
    }
}
