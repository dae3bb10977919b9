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
 * The same artifacts as a tree ({@code tree} goal, {@code target/dependency-tree.txt}, system property
 * {@code dependencies.tree}) give what a project depending on the library gets: {@link #reachingUsers()}.
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

        /** Passed on to a project that depends on the library (the edge to it, in the tree). */
        boolean transitive() {
            return !optional && (scope.equals("compile") || scope.equals("runtime"));
        }
    }

    private ResolvedDependencies() {
    }

    /** Every artifact of target/dependencies.txt; fails if the file is missing or lists nothing. */
    static List<Artifact> all() {
        List<Artifact> artifacts = new ArrayList<>();
        for (String line : read("dependencies.list", "target/dependencies.txt", "list-dependencies")) {
            Artifact a = parse(line);
            if (a != null) {
                artifacts.add(a);
            }
        }
        return artifacts;
    }

    /**
     * The artifacts a project depending on the library gets at run time: those of the dependency tree
     * (target/dependency-tree.txt) reached from the library through compile or runtime scope only and
     * no optional dependency on the way. Maven leaves the rest out of a user's resolution: test
     * dependencies, optional ones and everything below them.
     */
    static List<Artifact> reachingUsers() {
        List<Artifact> reached = new ArrayList<>();
        int cutBelow = Integer.MAX_VALUE; // depth of the last left-out node while inside its subtree
        for (String line : read("dependencies.tree", "target/dependency-tree.txt", "tree-dependencies")) {
            int start = 0;
            while (start < line.length() && " |+-\\".indexOf(line.charAt(start)) >= 0) {
                start++;
            }
            if (start == 0) {
                continue; // the library itself
            }
            Artifact a = parse(line.substring(start));
            if (a == null) {
                continue;
            }
            int depth = start / 3; // "+- ", "|  ", "\- " and "   ": three characters a level
            if (depth > cutBelow) {
                continue;
            }
            cutBelow = Integer.MAX_VALUE;
            if (a.transitive()) {
                reached.add(a);
            } else {
                cutBelow = depth;
            }
        }
        return reached;
    }

    private static Artifact parse(String line) {
        Matcher m = LINE.matcher(line);
        return m.matches()
                ? new Artifact(m.group(1), m.group(2), m.group(3), m.group(4) == null ? "" : m.group(4), m.group(5),
                        m.group(6), m.group(7) != null)
                : null;
    }

    private static List<String> read(String property, String fallback, String execution) {
        Path file = Path.of(System.getProperty(property, fallback));
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " missing: it is written by `mvn generate-test-resources`"
                    + " (maven-dependency-plugin's " + execution + " execution), which `mvn test` runs");
        }
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.stream().noneMatch(l -> parse(l.replaceFirst("^[ |+\\\\-]+", "")) != null)) {
                throw new IllegalStateException("no artifacts in " + file.toAbsolutePath());
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
