package org.dl4jlosses.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link LossBenchmark} through JMH and prints a Markdown table of medians (p0.50 of JMH's
 * SampleTime distribution) per loss and size: ours, the DL4J/SameDiff baseline, their ratio, and
 * PyTorch's median from {@code target/bench/torch.json} (written by
 * {@code src/test/python/bench_torch.py}) when that file exists.
 *
 * <pre>
 * mvn -o -P bench test-compile exec:exec -Dbench.args="CrossEntropyLoss MseLoss 256x1000"
 * </pre>
 *
 * Arguments (any order): loss names ({@code CrossEntropyLoss}, {@code FocalLoss} for both forms,
 * {@code FocalLoss-softmax}, {@code HingeLoss}, ...; default all), sizes ({@code 32x10},
 * {@code 256x1000}, {@code 2048x1000}, or any {@code RxK}; default the three), and options:
 * <ul>
 * <li>{@code --impl ours|baseline|both} (both)</li>
 * <li>{@code --workspace true|false|both} (true: each call inside a DL4J-like workspace)</li>
 * <li>{@code --forks N} (1), {@code --warmup N} (3), {@code --iterations N} (5),
 * {@code --time MS} per iteration (1000)</li>
 * <li>{@code --quick}: 1 warm-up and 2 measurement iterations of 300 ms (a smoke test)</li>
 * <li>{@code --vector true|false} (true): whether the benchmark JVM gets
 * {@code --add-modules jdk.incubator.vector}, the two ways a user runs</li>
 * <li>{@code --dtype float|double} (float): the data type of preOutput and labels, for both
 * implementations (use a separate {@code --out} per data type: rows are keyed without it)</li>
 * <li>{@code --torch FILE} (target/bench/torch.json), {@code --out DIR} (target/bench)</li>
 * <li>{@code --verbose}: JMH's full progress output</li>
 * <li>{@code --report}: no timing; prints the table again from {@code DIR/java.json} of the last run
 * and the current {@code torch.json} (for the losses and sizes selected)</li>
 * <li>{@code --check}: no timing; checks in-process that each baseline computes the same score and
 * gradient as ours on the selected cases (up to a constant factor: DL4J's {@code LossBinaryXENT} and
 * {@code LossHinge} sum over columns where ours averages), then exits</li>
 * </ul>
 * Writes {@code DIR/jmh.json} (JMH's raw results of this run), {@code DIR/java.json} (the medians,
 * merged with those of earlier runs: a case re-run replaces its own row) and {@code DIR/table.md}
 * (the table for the selected losses and sizes).
 *
 * <p><b>Whole training steps.</b> The word {@code fit} runs {@link FitBenchmark} instead: one
 * {@code MultiLayerNetwork.fit} per operation on an MLP 784-256-1000 (softmax output), with our
 * {@code CrossEntropyLoss}, with DL4J's {@code LossMCXENT} and with a loss-free floor
 * ({@link FitBenchmark.LowerBound}), in one run:
 *
 * <pre>
 * mvn -o -P bench test-compile exec:exec -Dbench.args="fit"                 (forks with the Vector API module)
 * mvn -o -P bench test-compile exec:exec -Dbench.args="fit --vector false"  (forks without it)
 * </pre>
 *
 * It takes {@code --forks}, {@code --warmup}, {@code --iterations}, {@code --time}, {@code --quick},
 * {@code --vector}, {@code --out}, {@code --verbose} and {@code --report} as above, plus
 * {@code --batch N[,N...]} (256) and {@code --updater adam|sgd} (adam); loss names and sizes do not
 * apply. Writes {@code DIR/fit-jmh.json} (JMH's raw results), {@code DIR/fit.json} (the medians, keyed
 * by loss, batch, updater and vector, merged with earlier runs, so the runs with and without the
 * Vector API end up side by side) and {@code DIR/fit.md}.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] rawArgs) throws RunnerException, IOException {
        // Maven may hand the whole -Dbench.args string over as one argument: split on whitespace.
        List<String> words = new ArrayList<>();
        for (String raw : rawArgs) {
            Arrays.stream(raw.trim().split("\\s+")).filter(w -> !w.isEmpty()).forEach(words::add);
        }
        String[] args = words.toArray(new String[0]);
        Set<String> losses = new LinkedHashSet<>();
        Set<String> sizes = new LinkedHashSet<>();
        List<String> impls = List.of("ours", "baseline");
        List<String> workspaces = List.of("true");
        int forks = 1;
        int warmup = 3;
        int iterations = 5;
        long timeMs = 1000;
        boolean verbose = false;
        boolean vector = true;
        String dtype = "float";
        boolean check = false;
        boolean report = false;
        Path torch = Paths.get("target", "bench", "torch.json");
        Path out = Paths.get("target", "bench");
        boolean fit = false;
        List<String> fitBatches = List.of("256");
        String fitUpdater = "adam";

        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h":
                case "--help":
                    usage();
                    return;
                case "--impl":
                    String impl = args[++i];
                    impls = impl.equals("both") ? List.of("ours", "baseline") : List.of(impl);
                    break;
                case "--workspace":
                    String w = args[++i];
                    workspaces = w.equals("both") ? List.of("true", "false") : List.of(Boolean.toString(Boolean.parseBoolean(w)));
                    break;
                case "--forks":
                    forks = Integer.parseInt(args[++i]);
                    break;
                case "--warmup":
                    warmup = Integer.parseInt(args[++i]);
                    break;
                case "--iterations":
                    iterations = Integer.parseInt(args[++i]);
                    break;
                case "--time":
                    timeMs = Long.parseLong(args[++i]);
                    break;
                case "--quick":
                    warmup = 1;
                    iterations = 2;
                    timeMs = 300;
                    break;
                case "--torch":
                    torch = Paths.get(args[++i]);
                    break;
                case "--out":
                    out = Paths.get(args[++i]);
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                case "--dtype":
                    dtype = args[++i];
                    break;
                case "--vector":
                    vector = Boolean.parseBoolean(args[++i]);
                    break;
                case "--check":
                    check = true;
                    break;
                case "--report":
                    report = true;
                    break;
                case "--batch":
                    fitBatches = Arrays.asList(args[++i].split(","));
                    break;
                case "--updater":
                    fitUpdater = args[++i];
                    break;
                default:
                    if (a.startsWith("-")) {
                        System.err.println("unknown option " + a);
                        usage();
                        System.exit(2);
                    } else if (a.equals("fit")) {
                        fit = true;
                    } else if (a.matches("\\d+[xX]\\d+")) {
                        sizes.add(a.toLowerCase(Locale.ROOT));
                    } else {
                        List<BenchCase> sel = BenchCase.select(a);
                        if (sel.isEmpty()) {
                            System.err.println("unknown loss '" + a + "'; known: " + BenchCase.ids());
                            System.exit(2);
                        }
                        sel.forEach(c -> losses.add(c.id()));
                    }
            }
        }
        if (fit) {
            if (!losses.isEmpty() || !sizes.isEmpty() || check) {
                System.err.println("fit takes no loss names, sizes or --check (it times CrossEntropyLoss, LossMCXENT and a loss-free LowerBound)");
                System.exit(2);
            }
            Files.createDirectories(out);
            runFit(fitBatches, fitUpdater, forks, warmup, iterations, timeMs, verbose, vector, report, out);
            return;
        }
        if (losses.isEmpty()) {
            losses.addAll(BenchCase.ids());
        }
        if (sizes.isEmpty()) {
            sizes.addAll(BenchCase.SIZES);
        }
        if (check) {
            System.exit(check(losses, sizes) ? 0 : 1);
        }
        Files.createDirectories(out);

        // Point-wise cases run over the sizes; coupled cases have one fixed batch each and no DL4J baseline.
        // Point-wise cases without a baseline (class-index labels) run ours only.
        List<String> pointwise = new ArrayList<>();
        List<String> pointwiseOursOnly = new ArrayList<>();
        List<String> coupled = new ArrayList<>();
        for (String loss : losses) {
            BenchCase c = BenchCase.of(loss);
            (c.coupled() ? coupled : c.hasBaseline() ? pointwise : pointwiseOursOnly).add(loss);
        }
        List<ChainedOptionsBuilder> runs = new ArrayList<>();
        if (!pointwise.isEmpty()) {
            runs.add(jmhOptions(pointwise, sizes, impls, workspaces, forks, warmup, iterations, timeMs, verbose, vector, dtype));
        }
        List<String> coupledImpls = impls.contains("ours") ? List.of("ours") : List.of();
        if (!pointwiseOursOnly.isEmpty() && !coupledImpls.isEmpty()) {
            runs.add(jmhOptions(pointwiseOursOnly, sizes, coupledImpls, workspaces, forks, warmup, iterations, timeMs,
                    verbose, vector, dtype));
        }
        if (!coupled.isEmpty() && !coupledImpls.isEmpty()) {
            runs.add(jmhOptions(coupled, List.of(BenchCase.BATCH), coupledImpls, workspaces, forks, warmup, iterations,
                    timeMs, verbose, vector, dtype));
        }

        ObjectMapper json = new ObjectMapper();
        Path javaJson = out.resolve("java.json");
        // Rows of earlier runs are kept (keyed by loss, size, impl, workspace), so a case re-run
        // alone, e.g. after the machine was busy, replaces only its own row.
        Map<String, ObjectNode> rowsByKey = new java.util.LinkedHashMap<>();
        if (Files.isRegularFile(javaJson)) {
            JsonNode old = json.readTree(javaJson.toFile());
            for (JsonNode r : old.path("results")) {
                rowsByKey.put(rowKey(r), (ObjectNode) r);
            }
        } else if (report) {
            System.err.println("--report: no " + javaJson + "; run the benchmark first");
            System.exit(2);
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        if (!report) {
            double loadStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            List<RunResult> results = new ArrayList<>();
            for (int r = 0; r < runs.size(); r++) {
                results.addAll(new Runner(runs.get(r).result(out.resolve(r == 0 ? "jmh.json" : "jmh-" + r + ".json")
                        .toString()).build()).run());
            }
            double loadEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            for (RunResult rr : results) {
                double p50 = rr.getPrimaryResult().getStatistics().getPercentile(50.0);
                ObjectNode row = json.createObjectNode();
                row.put("loss", rr.getParams().getParam("loss"));
                row.put("size", rr.getParams().getParam("size"));
                row.put("impl", rr.getParams().getParam("impl"));
                row.put("workspace", Boolean.parseBoolean(rr.getParams().getParam("workspace")));
                row.put("median_ms", toMillis(p50, rr.getPrimaryResult().getScoreUnit()));
                row.put("samples", rr.getPrimaryResult().getStatistics().getN());
                row.put("loadavg_start", loadStart);
                row.put("loadavg_end", loadEnd);
                row.put("cpus", cpus);
                rowsByKey.put(rowKey(row), row);
            }
            ObjectNode stored = json.createObjectNode();
            stored.putArray("results").addAll(new ArrayList<>(rowsByKey.values()));
            json.writerWithDefaultPrettyPrinter().writeValue(javaJson.toFile(), stored);
        }

        // (loss, size, workspace) -> impl -> median ms, and the load averages of the runs shown
        Map<String, Map<String, Double>> medians = new HashMap<>();
        double loadMin = Double.POSITIVE_INFINITY;
        double loadMax = Double.NEGATIVE_INFINITY;
        for (JsonNode r : rowsByKey.values()) {
            String loss = r.path("loss").asText();
            String size = r.path("size").asText();
            String ws = Boolean.toString(r.path("workspace").asBoolean());
            boolean sizeShown = sizes.contains(size) || size.equals(BenchCase.BATCH);
            if (!losses.contains(loss) || !sizeShown || !workspaces.contains(ws)) {
                continue;
            }
            medians.computeIfAbsent(key(loss, size, ws), k -> new HashMap<>())
                    .put(r.path("impl").asText(), r.path("median_ms").asDouble());
            for (String f : new String[] {"loadavg_start", "loadavg_end"}) {
                double v = r.path(f).asDouble(Double.NaN);
                if (!Double.isNaN(v)) {
                    loadMin = Math.min(loadMin, v);
                    loadMax = Math.max(loadMax, v);
                }
            }
        }

        Map<String, Double> torchMs = readTorch(torch.toFile(), json);
        StringBuilder md = new StringBuilder();
        for (String ws : workspaces) {
            if (workspaces.size() > 1) {
                md.append("\nworkspace = ").append(ws).append("\n\n");
            }
            md.append("| loss | size | ours (ms) | DL4J/SameDiff (ms) | ours/baseline | PyTorch (ms) | ours/PyTorch |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|\n");
            for (String loss : losses) {
                BenchCase c = BenchCase.of(loss);
                for (String size : c.coupled() ? List.of(BenchCase.BATCH) : sizes) {
                    Map<String, Double> m = medians.getOrDefault(key(loss, size, ws), Map.of());
                    Double ours = m.get("ours");
                    Double base = m.get("baseline");
                    Double pt = torchMs.get(loss + "|" + size);
                    md.append("| ").append(loss).append(" | ").append(c.coupled() ? c.shape() : size)
                            .append(" | ").append(fmt(ours))
                            .append(" | ").append(base == null ? "-" : fmt(base) + " (" + c.baselineName() + ")")
                            .append(" | ").append(ratio(ours, base))
                            .append(" | ").append(fmt(pt))
                            .append(" | ").append(ratio(ours, pt))
                            .append(" |\n");
                }
            }
        }
        md.append("\nMedians (p0.50 of JMH SampleTime). Targets: at 256x1000 and 2048x1000 ours/baseline <= 0.5 ")
                .append("and ours/PyTorch <= 1.0; at 32x10 ours/PyTorch <= 2.0; coupled losses (one fixed batch each) ")
                .append("ours/PyTorch <= 1.0.");
        if (torchMs.isEmpty()) {
            md.append(" No PyTorch results at ").append(torch)
                    .append(" (run /usr/bin/python3 src/test/python/bench_torch.py first).");
        }
        if (loadMin <= loadMax) {
            md.append(String.format(Locale.ROOT, " Load average (1 min) between %.2f and %.2f at the start and end of"
                    + " the runs shown, on %d CPUs (end values include the benchmark's own threads; more means other"
                    + " work shared the cores).", loadMin, loadMax, cpus));
        }
        md.append('\n');
        Files.writeString(out.resolve("table.md"), md.toString(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(md);
    }

    private static ChainedOptionsBuilder jmhOptions(List<String> losses, Collection<String> sizes, List<String> impls,
                                                    List<String> workspaces, int forks, int warmup, int iterations,
                                                    long timeMs, boolean verbose, boolean vector,
                                                    String dtype) {
        return new OptionsBuilder()
                .include(LossBenchmark.class.getName() + ".scoreAndGradient")
                .mode(Mode.SampleTime)
                .timeUnit(TimeUnit.MICROSECONDS)
                .forks(forks)
                .warmupIterations(warmup)
                .warmupTime(TimeValue.milliseconds(timeMs))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(timeMs))
                .threads(1)
                .shouldFailOnError(true)
                // jvmArgs, not jvmArgsAppend: the forks would otherwise inherit this JVM's --add-modules.
                .jvmArgs(forkJvmArgs(vector))
                .param("loss", losses.toArray(new String[0]))
                .param("size", sizes.toArray(new String[0]))
                .param("impl", impls.toArray(new String[0]))
                .param("workspace", workspaces.toArray(new String[0]))
                .param("dtype", dtype)
                .resultFormat(ResultFormatType.JSON)
                .verbosity(verbose ? VerboseMode.EXTRA : VerboseMode.NORMAL);
    }

    /** The JVM arguments of the benchmark forks: with or without the Vector API module. */
    private static String[] forkJvmArgs(boolean vector) {
        return vector ? new String[] {"-Xmx2g", "--add-modules=jdk.incubator.vector"} : new String[] {"-Xmx2g"};
    }

    /**
     * Runs {@link FitBenchmark} (unless {@code report}), merges the medians into {@code DIR/fit.json}
     * and prints/writes the table of the selected batches and updater, both Vector API modes.
     */
    private static void runFit(List<String> batches, String updater, int forks, int warmup, int iterations,
                               long timeMs, boolean verbose, boolean vector, boolean report, Path out)
            throws RunnerException, IOException {
        List<String> fitLosses = List.of("CrossEntropyLoss", "LossMCXENT", "LowerBound");
        for (String b : batches) {
            Integer.parseInt(b.trim());
        }
        FitBenchmark.newUpdater(updater);
        ObjectMapper json = new ObjectMapper();
        Path fitJson = out.resolve("fit.json");
        Map<String, ObjectNode> rowsByKey = new java.util.LinkedHashMap<>();
        if (Files.isRegularFile(fitJson)) {
            for (JsonNode r : json.readTree(fitJson.toFile()).path("results")) {
                rowsByKey.put(fitKey(r), (ObjectNode) r);
            }
        } else if (report) {
            System.err.println("--report: no " + fitJson + "; run the benchmark first");
            System.exit(2);
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        if (!report) {
            ChainedOptionsBuilder opts = new OptionsBuilder()
                    .include(FitBenchmark.class.getName() + ".fit")
                    .mode(Mode.SampleTime)
                    .timeUnit(TimeUnit.MICROSECONDS)
                    .forks(forks)
                    .warmupIterations(warmup)
                    .warmupTime(TimeValue.milliseconds(timeMs))
                    .measurementIterations(iterations)
                    .measurementTime(TimeValue.milliseconds(timeMs))
                    .threads(1)
                    .shouldFailOnError(true)
                    // jvmArgs, not jvmArgsAppend: the forks would otherwise inherit this JVM's --add-modules.
                    .jvmArgs(forkJvmArgs(vector))
                    .param("loss", fitLosses.toArray(new String[0]))
                    .param("batch", batches.stream().map(String::trim).toArray(String[]::new))
                    .param("updater", updater)
                    .resultFormat(ResultFormatType.JSON)
                    .result(out.resolve("fit-jmh.json").toString())
                    .verbosity(verbose ? VerboseMode.EXTRA : VerboseMode.NORMAL);
            double loadStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            Collection<RunResult> results = new Runner(opts.build()).run();
            double loadEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            for (RunResult rr : results) {
                String unit = rr.getPrimaryResult().getScoreUnit();
                ObjectNode row = json.createObjectNode();
                row.put("loss", rr.getParams().getParam("loss"));
                row.put("batch", Integer.parseInt(rr.getParams().getParam("batch")));
                row.put("updater", rr.getParams().getParam("updater"));
                row.put("vector", vector);
                row.put("median_ms", toMillis(rr.getPrimaryResult().getStatistics().getPercentile(50.0), unit));
                row.put("mean_ms", toMillis(rr.getPrimaryResult().getStatistics().getMean(), unit));
                row.put("samples", rr.getPrimaryResult().getStatistics().getN());
                row.put("loadavg_start", loadStart);
                row.put("loadavg_end", loadEnd);
                row.put("cpus", cpus);
                rowsByKey.put(fitKey(row), row);
            }
            ObjectNode stored = json.createObjectNode();
            stored.putArray("results").addAll(new ArrayList<>(rowsByKey.values()));
            json.writerWithDefaultPrettyPrinter().writeValue(fitJson.toFile(), stored);
        }

        StringBuilder md = new StringBuilder();
        md.append("fit(): MLP 784-256-1000 (ReLU, softmax), float32, updater ").append(updater).append("\n\n");
        md.append("| batch | --add-modules jdk.incubator.vector | CrossEntropyLoss (ms) | LossMCXENT (ms) | ours/LossMCXENT |"
                + " LowerBound (ms) | LowerBound/LossMCXENT | samples |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---|\n");
        double loadMin = Double.POSITIVE_INFINITY;
        double loadMax = Double.NEGATIVE_INFINITY;
        for (String b : batches) {
            for (boolean v : new boolean[] {true, false}) {
                JsonNode ours = rowsByKey.get(fitKey("CrossEntropyLoss", b.trim(), updater, v));
                JsonNode base = rowsByKey.get(fitKey("LossMCXENT", b.trim(), updater, v));
                JsonNode bound = rowsByKey.get(fitKey("LowerBound", b.trim(), updater, v));
                if (ours == null && base == null) {
                    continue;
                }
                Double o = ours == null ? null : ours.path("median_ms").asDouble();
                Double m = base == null ? null : base.path("median_ms").asDouble();
                Double floor = bound == null ? null : bound.path("median_ms").asDouble();
                md.append("| ").append(b.trim()).append(" | ").append(v ? "yes" : "no")
                        .append(" | ").append(fmt(o)).append(" | ").append(fmt(m))
                        .append(" | ").append(ratio(o, m))
                        .append(" | ").append(fmt(floor)).append(" | ").append(ratio(floor, m))
                        .append(" | ").append(ours == null ? "-" : ours.path("samples").asText())
                        .append(" / ").append(base == null ? "-" : base.path("samples").asText())
                        .append(" |\n");
                for (JsonNode r : new JsonNode[] {ours, base, bound}) {
                    for (String f : new String[] {"loadavg_start", "loadavg_end"}) {
                        double x = r == null ? Double.NaN : r.path(f).asDouble(Double.NaN);
                        if (!Double.isNaN(x)) {
                            loadMin = Math.min(loadMin, x);
                            loadMax = Math.max(loadMax, x);
                        }
                    }
                }
            }
        }
        md.append("\nMedians (p0.50 of JMH SampleTime) of one net.fit(DataSet) each.");
        if (loadMin <= loadMax) {
            md.append(String.format(Locale.ROOT, " Load average (1 min) between %.2f and %.2f at the start and end of"
                    + " the runs shown, on %d CPUs.", loadMin, loadMax, cpus));
        }
        md.append('\n');
        Files.writeString(out.resolve("fit.md"), md.toString(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(md);
    }

    private static String fitKey(JsonNode r) {
        return fitKey(r.path("loss").asText(), r.path("batch").asText(), r.path("updater").asText(),
                r.path("vector").asBoolean());
    }

    private static String fitKey(String loss, String batch, String updater, boolean vector) {
        return loss + "|" + batch + "|" + updater + "|" + vector;
    }

    /** Ours vs baseline on the same inputs: score ratio and gradient agreement after that scale. */
    private static boolean check(Set<String> losses, Set<String> sizes) {
        boolean ok = true;
        System.out.printf(Locale.ROOT, "%-26s %-10s %14s %14s %6s %11s %11s%n",
                "loss", "size", "ours", "baseline", "scale", "score relerr", "grad relerr");
        for (String loss : losses) {
            BenchCase c = BenchCase.of(loss);
            if (!c.hasBaseline()) {
                System.out.printf(Locale.ROOT, "%-26s (no DL4J baseline: timed against PyTorch only)%n", loss);
                continue;
            }
            for (String size : sizes) {
                long[] rk = BenchCase.parseSize(size);
                INDArray z = c.preOutput(rk[0], rk[1], 42);
                INDArray y = c.labels(rk[0], rk[1], 42);
                ILossFunction ours = c.newLoss(false);
                ILossFunction base = c.newLoss(true);
                double so = ours.computeScore(y, z, c.activation(), null, false);
                double sb = base.computeScore(y, z, c.activation(), null, false);
                INDArray go = ours.computeGradient(y, z, c.activation(), null);
                INDArray gb = base.computeGradient(y, z, c.activation(), null);
                // The baseline may sum over columns where ours averages: scale 1 or K.
                double scale = Math.abs(sb / so - 1) < Math.abs(sb / so / rk[1] - 1) ? 1 : rk[1];
                double scoreErr = Math.abs(sb / scale - so) / Math.max(Math.abs(so), 1e-30);
                double err = go.mul(scale).subi(gb).norm2Number().doubleValue()
                        / Math.max(gb.norm2Number().doubleValue(), 1e-30);
                boolean good = scoreErr < 1e-3 && err < 1e-3;
                ok &= good;
                System.out.printf(Locale.ROOT, "%-26s %-10s %14.6g %14.6g %6.0f %11.2e %11.2e %s%n",
                        loss, size, so, sb, scale, scoreErr, err, good ? "ok" : "MISMATCH");
            }
        }
        return ok;
    }

    private static String rowKey(JsonNode r) {
        return r.path("loss").asText() + "|" + r.path("size").asText() + "|" + r.path("impl").asText()
                + "|" + r.path("workspace").asBoolean();
    }

    private static String key(String loss, String size, String ws) {
        return loss + "|" + size + "|" + ws;
    }

    private static double toMillis(double value, String unit) {
        switch (unit.split("/")[0]) {
            case "ns": return value / 1e6;
            case "us": return value / 1e3;
            case "ms": return value;
            case "s": return value * 1e3;
            default: throw new IllegalStateException("unexpected JMH unit " + unit);
        }
    }

    /** PyTorch medians keyed "loss|size" from the script's JSON; empty if the file is absent. */
    private static Map<String, Double> readTorch(File f, ObjectMapper json) throws IOException {
        Map<String, Double> m = new HashMap<>();
        if (!f.isFile()) {
            return m;
        }
        JsonNode root = json.readTree(f);
        for (JsonNode r : root.path("results")) {
            m.put(r.path("loss").asText() + "|" + r.path("size").asText(), r.path("median_ms").asDouble());
        }
        return m;
    }

    private static String fmt(Double ms) {
        if (ms == null) {
            return "-";
        }
        return ms < 1 ? String.format(Locale.ROOT, "%.4f", ms) : String.format(Locale.ROOT, "%.3f", ms);
    }

    private static String ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    private static void usage() {
        System.out.println("BenchMain [loss ...] [RxK ...] [--impl ours|baseline|both] [--workspace true|false|both]\n"
                + "          [--forks N] [--warmup N] [--iterations N] [--time MS] [--quick] [--vector true|false]\n"
                + "          [--dtype float|double] [--torch target/bench/torch.json] [--out target/bench] [--verbose]\n"
                + "          [--check] [--report]\n"
                + "BenchMain fit [--batch N[,N...]] [--updater adam|sgd] [--vector true|false]\n"
                + "          [--forks N] [--warmup N] [--iterations N] [--time MS] [--quick] [--out target/bench]\n"
                + "          [--verbose] [--report]\n"
                + "          whole MultiLayerNetwork.fit steps, MLP 784-256-1000: CrossEntropyLoss, LossMCXENT, LowerBound\n"
                + "losses: " + BenchCase.ids() + " (a class name selects all its forms)\n"
                + "sizes:  " + BenchCase.SIZES + " by default (coupled losses have one fixed batch each)\n"
                + "--vector false: benchmark forks without --add-modules jdk.incubator.vector (default true: with it)");
    }
}
