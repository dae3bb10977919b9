package org.dl4jlosses.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The examples' figures, drawn with XChart into PNG files without a display. One colour per
 * series index (the Okabe-Ito palette, readable by colour-blind eyes), so a loss keeps its colour
 * across the figures of an example.
 */
public final class Plots {
    static {
        // The figures are only ever written to files: never look for a display (CI has none).
        System.setProperty("java.awt.headless", "true");
    }

    /** Okabe-Ito: blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow, black. */
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xE69F00),
        new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xF0E442), new Color(0x000000),
    };

    public static final int WIDTH = 560;
    public static final int HEIGHT = 420;

    private Plots() {
    }

    /** The colour of series {@code i} (cycling through the palette). */
    public static Color color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** {@code c} mixed with white: {@code amount} 0 is {@code c}, 1 is white. */
    public static Color tint(Color c, double amount) {
        return new Color(mix(c.getRed(), amount), mix(c.getGreen(), amount), mix(c.getBlue(), amount));
    }

    private static int mix(int channel, double amount) {
        return (int) Math.round(channel + (255 - channel) * amount);
    }

    /** An empty line chart in the examples' style: white, a light grid, the legend inside the plot. */
    public static XYChart chart(String title, String xTitle, String yTitle) {
        return chart(title, xTitle, yTitle, WIDTH, HEIGHT);
    }

    public static XYChart chart(String title, String xTitle, String yTitle, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        var styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(Color.GRAY);
        styler.setPlotGridLinesColor(new Color(0xE0E0E0));
        styler.setLegendPosition(LegendPosition.InsideNE);
        styler.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setChartTitleBoxVisible(false);
        styler.setMarkerSize(5);
        styler.setXAxisTickMarkSpacingHint(70);
        return chart;
    }

    /** Adds a line without markers. */
    public static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineWidth(2f);
        return s;
    }

    /** Adds a dashed line without markers. */
    public static XYSeries dashed(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries s = line(chart, name, x, y, color);
        s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
        return s;
    }

    /** Adds points: filled circles of {@code size} pixels with a thin outline of {@code edge} (null: none). */
    public static XYSeries points(XYChart chart, String name, double[] x, double[] y, Color fill, Color edge, int size) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        s.setMarker(new Dot(size, edge));
        s.setMarkerColor(fill);
        return s;
    }

    /**
     * Adds a filled band between {@code lower} and {@code upper} over {@code x} (sorted), without
     * markers or outline: one closed polygon, along the upper edge and back along the lower. Draw it
     * before the lines and points that should show on top of it.
     */
    public static XYSeries band(XYChart chart, String name, double[] x, double[] lower, double[] upper, Color fill) {
        int n = x.length;
        double[] xs = new double[2 * n];
        double[] ys = new double[2 * n];
        for (int i = 0; i < n; i++) {
            xs[i] = x[i];
            ys[i] = upper[i];
            xs[2 * n - 1 - i] = x[i];
            ys[2 * n - 1 - i] = lower[i];
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
        s.setMarker(SeriesMarkers.NONE);
        s.setFillColor(fill);
        s.setLineColor(fill);
        s.setLineWidth(0f);
        return s;
    }

    /**
     * Colours the plane by a classifier's decision: a grid of {@code n x n} cells over the box,
     * each painted in the light tint of the class {@code classify} gives its centre. The
     * classifier takes the {@code [n*n, 2]} cell centres and returns their class indices.
     * Cells are painted as fixed-size squares sized for the chart's plot area, so draw the
     * regions first and the data on top.
     */
    public static void decisionRegions(XYChart chart, double[] box, int n, Function<double[][], int[]> classify,
                                       int classes, double tint) {
        double[][] centres = new double[n * n][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                centres[i * n + j][0] = box[0] + (box[1] - box[0]) * (j + 0.5) / n;
                centres[i * n + j][1] = box[2] + (box[3] - box[2]) * (i + 0.5) / n;
            }
        }
        int[] decided = classify.apply(centres);
        // The plot area is the chart less its axes, title and padding (about 90 x 80 pixels here).
        int cellW = (int) Math.ceil((chart.getWidth() - 90) / (double) n) + 1;
        int cellH = (int) Math.ceil((chart.getHeight() - 80) / (double) n) + 1;
        for (int c = 0; c < classes; c++) {
            int count = 0;
            for (int d : decided) {
                count += d == c ? 1 : 0;
            }
            if (count == 0) {
                continue;
            }
            double[] xs = new double[count];
            double[] ys = new double[count];
            int k = 0;
            for (int r = 0; r < decided.length; r++) {
                if (decided[r] == c) {
                    xs[k] = centres[r][0];
                    ys[k++] = centres[r][1];
                }
            }
            XYSeries s = chart.addSeries("region " + c, xs, ys);
            s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            s.setMarker(new Cell(cellW, cellH));
            s.setMarkerColor(tint(color(c), tint));
            s.setShowInLegend(false);
        }
        chart.getStyler().setXAxisMin(box[0]).setXAxisMax(box[1]).setYAxisMin(box[2]).setYAxisMax(box[3]);
        chart.getStyler().setPlotGridLinesVisible(false);
    }

    /**
     * A 2-D projection of embeddings ({@link Projection#pca2}): one colour per identity, so
     * well-separated clusters show a loss that learned the identities. {@code ids[i]} is the
     * identity of row {@code i}; colours cycle after eight identities.
     */
    public static XYChart embeddingScatter(String title, double[][] embeddings, int[] ids) {
        double[][] p = Projection.pca2(embeddings);
        XYChart chart = chart(title, "first principal axis", "second principal axis");
        chart.getStyler().setLegendVisible(false);
        int identities = Arrays.stream(ids).max().orElse(-1) + 1;
        for (int c = 0; c < identities; c++) {
            int id = c;
            int[] rows = IntStream.range(0, ids.length).filter(i -> ids[i] == id).toArray();
            if (rows.length == 0) {
                continue;
            }
            double[] xs = Arrays.stream(rows).mapToDouble(i -> p[0][i]).toArray();
            double[] ys = Arrays.stream(rows).mapToDouble(i -> p[1][i]).toArray();
            points(chart, "id " + c, xs, ys, color(c), Color.DARK_GRAY, 7);
        }
        return chart;
    }

    /**
     * The two panels of a training run, side by side in one PNG: each loss's own training
     * objective per epoch (log scale when {@code logLoss}, since the losses differ in scale), and
     * the metric the runs share, as the probe measured it.
     */
    public static void saveCurves(Path file, String title, List<Training.Curve> curves, boolean logLoss)
            throws IOException {
        XYChart loss = chart(title + ": training loss", "epoch", "mean training loss (each its own objective)");
        XYChart metric = chart(title + ": " + curves.get(0).metric(), "epoch", curves.get(0).metric());
        for (int i = 0; i < curves.size(); i++) {
            Training.Curve c = curves.get(i);
            double[][] sampled = everyProbe(c);
            line(loss, c.loss(), sampled[0], logLoss ? positive(sampled[1]) : sampled[1], color(i));
            line(metric, c.loss(), c.probeEpochs(), c.probe(), color(i));
        }
        loss.getStyler().setYAxisLogarithmic(logLoss);
        double last = curves.get(0).epochs()[curves.get(0).epochs().length - 1];
        for (XYChart panel : List.of(loss, metric)) {
            panel.getStyler().setXAxisMin(0.0).setXAxisMax(last).setXAxisTickMarkSpacingHint(100);
        }
        // One legend for both panels: the colours are the same.
        metric.getStyler().setLegendVisible(false);
        saveGrid(file, 2, List.of(loss, metric));
    }

    /**
     * The training loss after the first epoch and at the epochs the probe was measured. (XChart
     * labels an axis of equally spaced values at data values, so a point per epoch gives ticks
     * like 0, 37, 74; the first epoch keeps the spacing uneven and the ticks round.)
     */
    private static double[][] everyProbe(Training.Curve c) {
        java.util.Set<Double> probed = new java.util.HashSet<>();
        for (double e : c.probeEpochs()) {
            probed.add(e);
        }
        List<double[]> kept = new java.util.ArrayList<>();
        for (int i = 0; i < c.epochs().length; i++) {
            if (i == 0 || probed.contains(c.epochs()[i])) {
                kept.add(new double[] {c.epochs()[i], c.trainLoss()[i]});
            }
        }
        return new double[][] {kept.stream().mapToDouble(p -> p[0]).toArray(), kept.stream().mapToDouble(p -> p[1]).toArray()};
    }

    /** Values floored at a tiny positive number, for a log axis. */
    private static double[] positive(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.max(values[i], 1e-6);
        }
        return out;
    }

    /** Writes one chart as a PNG. */
    public static void save(Path file, XYChart chart) throws IOException {
        // XChart 4 deprecates its single-chart stream encoder; the image it draws is the same.
        if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", file.toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
    }

    /** Writes charts side by side as one PNG, {@code columns} per row. */
    public static void saveGrid(Path file, int columns, List<XYChart> charts) throws IOException {
        int rows = (charts.size() + columns - 1) / columns;
        List<XYChart> cells = new java.util.ArrayList<>(charts);
        while (cells.size() < rows * columns) {
            cells.add(blank(charts.get(0).getWidth(), charts.get(0).getHeight()));
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(cells, rows, columns, out, BitmapFormat.PNG);
        }
    }

    /** An empty white panel, to fill the last row of a grid. */
    private static XYChart blank(int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).build();
        var styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
        styler.setPlotGridLinesVisible(false);
        styler.setAxisTicksVisible(false);
        styler.setLegendVisible(false);
        return chart;
    }

    /** A filled circle of fixed size with an optional outline (XChart's own markers share one size per chart). */
    private static final class Dot extends Marker {
        private final int size;
        private final Color edge;

        Dot(int size, Color edge) {
            this.size = size;
            this.edge = edge;
        }

        @Override
        public void paint(Graphics2D g, double x, double y, int ignored) {
            Ellipse2D.Double circle = new Ellipse2D.Double(x - size / 2.0, y - size / 2.0, size, size);
            g.fill(circle);
            if (edge != null) {
                Color fill = g.getColor();
                g.setColor(edge);
                g.setStroke(new BasicStroke(0.8f));
                g.draw(circle);
                g.setColor(fill);
            }
        }
    }

    /** A filled rectangle of fixed pixel size: one cell of a decision-region grid. */
    private static final class Cell extends Marker {
        private final int width;
        private final int height;

        Cell(int width, int height) {
            this.width = width;
            this.height = height;
        }

        @Override
        public void paint(Graphics2D g, double x, double y, int ignored) {
            g.fill(new Rectangle2D.Double(x - width / 2.0, y - height / 2.0, width, height));
        }
    }
}
