package org.dl4jlosses.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where an example reports: progress lines on a stream, and PNG files named
 * {@code <example>-<what>.png} in one directory (the tour uses {@code target/examples/}).
 */
public final class Output {
    private final Path dir;
    private final String example;
    private final PrintStream log;
    private final List<Path> written = new ArrayList<>();

    private Output(Path dir, String example, PrintStream log) {
        this.dir = dir;
        this.example = example;
        this.log = log;
    }

    /** The output of one example: files in {@code dir}, progress on {@code log}. */
    public static Output of(Path dir, String example, PrintStream log) {
        return new Output(dir, example, log);
    }

    public String example() {
        return example;
    }

    /** The path for a figure, {@code dir/<example>-<what>.png}, creating the directory; remembered in {@link #written()}. */
    public Path png(String what) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        Path file = dir.resolve(example + "-" + what + ".png");
        written.add(file);
        return file;
    }

    /** The figures asked for so far. */
    public List<Path> written() {
        return List.copyOf(written);
    }

    /** Prints one indented progress line (formatted in the root locale, so decimals are dots). */
    public void progress(String format, Object... args) {
        log.println("  " + String.format(Locale.ROOT, format, args));
        log.flush();
    }
}
