package org.dl4jlosses;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dl4jlosses.testing.Catalogue;
import org.dl4jlosses.testing.Catalogue.Entry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The hand-derived gradients against central finite differences of computeScore(average=false),
 * in double precision, for every loss, option set, activation and label form, with and without masks.
 */
class FiniteDifferenceTest {
    private static final int ROWS = 5;
    private static final int COLUMNS = 4;
    private static final double H = 1e-6;

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Entry e : Catalogue.pointwise()) {
            cases.add(Arguments.of(e, "no mask"));
            cases.add(Arguments.of(e, "row mask"));
            if (e.elementWise) {
                cases.add(Arguments.of(e, "element mask"));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Entry e, String maskKind) {
        Random random = new Random(e.name.hashCode() * 31L + maskKind.hashCode());
        INDArray z = e.z(random, ROWS, COLUMNS, DataType.DOUBLE);
        INDArray labels = e.labels(random, ROWS, COLUMNS, DataType.DOUBLE);
        INDArray mask = maskKind.equals("row mask") ? Catalogue.rowMask(random, ROWS, DataType.DOUBLE)
                : maskKind.equals("element mask") ? Catalogue.elementMask(random, ROWS, COLUMNS, DataType.DOUBLE) : null;

        INDArray analytic = e.loss.computeGradient(labels, z, e.activation, mask);
        double scale = Math.max(1, analytic.amaxNumber().doubleValue());
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                double original = z.getDouble(i, j);
                z.putScalar(i, j, original + H);
                double plus = e.loss.computeScore(labels, z, e.activation, mask, false);
                z.putScalar(i, j, original - H);
                double minus = e.loss.computeScore(labels, z, e.activation, mask, false);
                z.putScalar(i, j, original);
                double numeric = (plus - minus) / (2 * H);
                double got = analytic.getDouble(i, j);
                if (Math.abs(numeric - got) > 1e-6 * scale) {
                    fail("d score / d z[" + i + "," + j + "]: analytic " + got + ", finite difference " + numeric);
                }
            }
        }
    }
}
