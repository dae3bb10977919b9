package org.dl4jlosses.examples;

/**
 * One measured number of an example: a loss's value of a metric, and the seconds that loss's
 * training (or computation) took. Rows of one loss share its seconds.
 */
public record Result(String example, String loss, String metric, double value, double seconds) {
}
