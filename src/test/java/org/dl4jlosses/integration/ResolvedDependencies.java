package org.dl4jlosses.integration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dependencies Maven resolved for this build (test scope, so every scope), as written before the
 * tests by maven-dependency-plugin's {@code list} goal (the pom's {@code list-dependencies}
 * execution) to {@code target/dependencies.txt}; surefire passes its path in the system property
 * {@code dependencies.list}. Reading Maven's own list instead of the jar paths on the classpath
 * keeps the checks independent of where the local repository lives ({@code -Dmaven.repo.local}).
 */
final class ResolvedDependencies {
    /** {@code   group:artifact:type[:classifier]:version:scope[ (optional)][ -- module name]}. */
    private static final Pattern LINE = Pattern.compile(
            "\\s*([^:\\s]+):([^:\\s]+):([^:\\s]+)(?::([^:\\s]+))?:([^:\\s]+):([^:\\s]+)(\\s+\\(optional\\))?(?:\\s+--.*)?");

    /** One resolved artifact. {@code classifier} is empty when it has none. */
    record Artifact(String group, String artifact, String type, String classifier, String version, String scope,
            boolean optional) {
        /** {@code group:artifact}. */
        String key() {
            return group + ":" + artifact;
        }

        /** The file name Maven gives it in any local repository: artifact-version[-classifier].jar. */
        String fileName() {
            return artifact + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + "." + type;
        }

        /** On the runtime classpath of a project that depends on this library. */
        boolean reachesUsers() {
            return !optional && (scope.equals("compile") || scope.equals("runtime"));
        }
    }

    private ResolvedDependencies() {
    }

    /** Every artifact of target/dependencies.txt; fails if the file is missing or lists nothing. */
    static List<Artifact> all() {
        Path file = Path.of(System.getProperty("dependencies.list", "target/dependencies.txt"));
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " missing: it is written by `mvn generate-test-resources`"
                    + " (maven-dependency-plugin's list-dependencies execution), which `mvn test` runs");
        }
        List<Artifact> artifacts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher m = LINE.matcher(line);
                if (m.matches()) {
                    artifacts.add(new Artifact(m.group(1), m.group(2), m.group(3), m.group(4) == null ? "" : m.group(4),
                            m.group(5), m.group(6), m.group(7) != null));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (artifacts.isEmpty()) {
            throw new IllegalStateException("no artifacts in " + file.toAbsolutePath());
        }
        return artifacts;
    }

    /** The file name of the jar (or class directory) a class was loaded from. */
    static String jarOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
