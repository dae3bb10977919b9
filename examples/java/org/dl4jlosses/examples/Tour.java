package org.dl4jlosses.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The example tour, the project's main command:
 * <pre>
 * mvn -q compile exec:java                              # every example, then the summary table
 * mvn -q compile exec:java -Dexec.args="focal spirals"  # some examples, by name or alias
 * mvn -q compile exec:java -Dexec.args="--help"         # the list
 * mvn -q compile exec:java -Dexec.args="--quick"        # every example on a smoke budget
 * </pre>
 * Each example trains on data it generates from a fixed seed, prints progress, writes PNG
 * figures to {@code target/examples/} (or the directory in the system property
 * {@code examples.out}), and returns its metrics; the tour ends with one table of them all, also
 * written as {@code summary.md} next to the figures.
 */
public final class Tour {
    private Tour() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        Budget budget = Budget.FULL;
        List<Example> chosen = new ArrayList<>();
        for (String arg : args) {
            for (String word : arg.trim().split("\\s+")) {
                if (word.isEmpty()) {
                    continue;
                }
                if (word.equals("--help") || word.equals("-h") || word.equals("help")) {
                    help(out);
                    return;
                }
                if (word.equals("--quick")) {
                    budget = Budget.QUICK;
                    continue;
                }
                Optional<Example> found = Examples.find(word);
                if (found.isEmpty()) {
                    System.err.println("No example named '" + word + "'.");
                    help(System.err);
                    System.exit(2);
                }
                chosen.add(found.get());
            }
        }
        if (chosen.isEmpty()) {
            chosen.addAll(Examples.all());
        }
        Path dir = Paths.get(System.getProperty("examples.out", "target/examples"));
        Examples.useOneThread();
        List<Result> results = run(chosen, budget, dir, out);
        String table = table(results);
        out.println();
        out.println("Summary (" + (budget.equals(Budget.FULL) ? "full budget" : "budget x" + budget.scale()) + "):");
        out.print(table);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.md"), table);
        out.println("Figures and summary.md in " + dir.toAbsolutePath().normalize());
    }

    /** Runs the examples in order, printing a header and the time of each, and collects their rows. */
    public static List<Result> run(List<Example> examples, Budget budget, Path dir, PrintStream log)
            throws IOException {
        List<Result> results = new ArrayList<>();
        int i = 0;
        long start = System.nanoTime();
        for (Example example : examples) {
            i++;
            log.printf(Locale.ROOT, "%n[%d/%d] %s: %s%n", i, examples.size(), example.name(), example.description());
            long t0 = System.nanoTime();
            Output output = Output.of(dir, example.name(), log);
            results.addAll(example.run(budget, output));
            log.printf(Locale.ROOT, "  %s done in %.1f s; figures: %s%n", example.name(), (System.nanoTime() - t0) / 1e9,
                    String.join(", ", output.written().stream().map(p -> p.getFileName().toString()).toList()));
        }
        log.printf(Locale.ROOT, "%nTour: %d example(s) in %.1f s%n", examples.size(), (System.nanoTime() - start) / 1e9);
        return results;
    }

    /** The results as a Markdown table (aligned, so it reads in a terminal too). */
    public static String table(List<Result> results) {
        String[] head = {"example", "loss", "metric", "value", "seconds"};
        List<String[]> rows = new ArrayList<>();
        for (Result r : results) {
            rows.add(new String[] {r.example(), r.loss(), r.metric(), format(r.value()),
                String.format(Locale.ROOT, "%.1f", r.seconds())});
        }
        int[] width = new int[head.length];
        for (int c = 0; c < head.length; c++) {
            width[c] = head[c].length();
            for (String[] row : rows) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        boolean[] right = {false, false, false, true, true};
        StringBuilder sb = new StringBuilder();
        appendRow(sb, head, width, right);
        String[] rule = new String[head.length];
        for (int c = 0; c < head.length; c++) {
            rule[c] = "-".repeat(Math.max(3, width[c] - 1)) + (right[c] ? ":" : "-");
        }
        appendRow(sb, rule, width, right);
        for (String[] row : rows) {
            appendRow(sb, row, width, right);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String[] cells, int[] width, boolean[] right) {
        sb.append('|');
        for (int c = 0; c < cells.length; c++) {
            String pad = " ".repeat(width[c] - cells[c].length());
            sb.append(' ').append(right[c] ? pad + cells[c] : cells[c] + pad).append(" |");
        }
        sb.append('\n');
    }

    /** Three decimals, or two significant digits in scientific notation for tiny non-zero values. */
    static String format(double v) {
        return v != 0 && Math.abs(v) < 1e-3 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static void help(PrintStream out) {
        out.println("dl4j-losses example tour: small networks trained on data generated in code, each");
        out.println("comparing losses side by side on the same data and seed.");
        out.println();
        out.println("  mvn -q compile exec:java                           run every example, then a summary table");
        out.println("  mvn -q compile exec:java -Dexec.args=\"NAME ...\"    run the named examples only");
        out.println("  mvn -q compile exec:java -Dexec.args=\"--quick\"     smoke budget (seconds; numbers not meaningful)");
        out.println("  mvn -q compile exec:java -Dexec.args=\"--help\"      this list");
        out.println();
        out.println("Examples: name (aliases), then what it does:");
        for (Example e : Examples.all()) {
            String aliases = e.aliases().isEmpty() ? "" : " (" + String.join(", ", e.aliases()) + ")";
            out.printf(Locale.ROOT, "  %s%n      %s%n", e.name() + aliases, e.description());
        }
        out.println();
        out.println("Figures (PNG) and summary.md go to target/examples/.");
    }
}
