package org.dl4jlosses.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProjectionTest {
    @Test
    void pointsOnAPlaneInThreeDimensionsKeepTheirDistances() {
        // Points in the plane spanned by (1,1,0)/sqrt2 and (0,0,1), spread more along the first axis and uncorrelated;
        // the first principal axis is that one, the second the other, so distances are preserved.
        double s = Math.sqrt(0.5);
        double[][] plane = {{3, 1}, {-3, 1}, {1, -1}, {-1, -1}, {0, 0}};
        double[][] x = new double[plane.length][];
        for (int i = 0; i < plane.length; i++) {
            x[i] = new double[] {plane[i][0] * s + 5, plane[i][0] * s + 5, plane[i][1] - 2};
        }
        double[][] p = Projection.pca2(x);
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                double original = Math.hypot(plane[i][0] - plane[j][0], plane[i][1] - plane[j][1]);
                double projected = Math.hypot(p[0][i] - p[0][j], p[1][i] - p[1][j]);
                assertEquals(original, projected, 1e-9);
            }
        }
        // The first coordinate carries the larger spread.
        assertEquals(20.0, sumOfSquares(p[0]), 1e-9);
        assertEquals(4.0, sumOfSquares(p[1]), 1e-9);
    }

    private static double sumOfSquares(double[] v) {
        double s = 0;
        for (double a : v) {
            s += a * a;
        }
        return s;
    }
}
