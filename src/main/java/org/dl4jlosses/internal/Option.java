package org.dl4jlosses.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.nd4j.shade.jackson.annotation.JacksonAnnotationsInside;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Marks a field of a loss as one of its options: saved in DL4J's JSON under the field's name,
 * part of {@code equals}, {@code hashCode} and {@code toString}, and checked by
 * {@link LossBuilder#build()} (and so also when a saved configuration is read) against the bounds
 * given here. A {@code double} must be finite, a {@code double[]} null or non-empty with finite
 * entries, an enum non-null; {@link #min()} and {@link #max()} bound a number or every entry. Every
 * {@code double} (and entry) must also be 0 or between the smallest normal float32 (1.2e-38) and
 * 1e6 in magnitude, so that the loss's float32 arithmetic cannot overflow or underflow to a
 * silent infinity, NaN or division by zero.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@JacksonAnnotationsInside
@JsonProperty
public @interface Option {
    /** The smallest value allowed (default: no bound). */
    double min() default Double.NEGATIVE_INFINITY;

    /** Whether {@link #min()} itself is excluded. */
    boolean minExclusive() default false;

    /** The largest value allowed (default: no bound). */
    double max() default Double.POSITIVE_INFINITY;

    /** Whether {@link #max()} itself is excluded. */
    boolean maxExclusive() default false;

    /** What the error message says is expected, when the bounds alone do not say it well. */
    String expected() default "";
}
