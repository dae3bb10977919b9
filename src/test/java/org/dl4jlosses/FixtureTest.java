package org.dl4jlosses;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.dl4jlosses.testing.Fixtures;
import org.dl4jlosses.testing.Fixtures.Case;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every loss against the PyTorch reference values of every fixture file in
 * src/test/resources/fixtures (one per generator script in src/test/python).
 */
class FixtureTest {

    static List<Case> cases() {
        return Fixtures.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Case c) {
        double tol = c.tolerance();
        close(c.mean, c.loss.computeScore(c.labels, c.z, c.activation, c.mask, true), tol, "mean");
        close(c.sum, c.loss.computeScore(c.labels, c.z, c.activation, c.mask, false), tol, "sum");

        INDArray scoreArray = c.loss.computeScoreArray(c.labels, c.z, c.activation, c.mask);
        assertEquals(c.dataType, scoreArray.dataType());
        close(c.scoreArray, scoreArray, tol, "scoreArray");

        INDArray gradient = c.loss.computeGradient(c.labels, c.z, c.activation, c.mask);
        assertEquals(c.dataType, gradient.dataType());
        close(c.gradient, gradient, tol, "gradient");

        Pair<Double, INDArray> both = c.loss.computeGradientAndScore(c.labels, c.z, c.activation, c.mask, true);
        close(c.mean, both.getFirst(), tol, "computeGradientAndScore score");
        close(c.gradient, both.getSecond(), tol, "computeGradientAndScore gradient");
    }
}
