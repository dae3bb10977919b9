package org.dl4jlosses;

import static org.dl4jlosses.testing.Assert.rejects;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.dl4jlosses.integration.LossCases;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every number an option takes is bounded at build() so that float32 arithmetic cannot overflow
 * or underflow to a silent infinity or NaN: each double option and each entry of a vector option,
 * of every loss, is rejected at 1e300, -1e300 and 1e-300, and accepted at its default, through
 * the builder setter named like the option.
 */
class OptionBoundsTest {
    static List<Object[]> numberOptions() {
        Set<Class<?>> losses = new LinkedHashSet<>();
        LossCases.distinctLosses().forEach(c -> losses.add(c.loss.getClass()));
        CoupledCatalogue.all().forEach(e -> losses.add(e.loss.getClass()));
        List<Object[]> options = new ArrayList<>();
        for (Class<?> loss : losses) {
            // Options declared by a shared base class (OverlapLoss) count for each loss that has them.
            for (Class<?> c = loss; c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.isAnnotationPresent(Option.class) && (f.getType() == double.class || f.getType() == double[].class)) {
                        options.add(new Object[] {loss.getSimpleName() + "." + f.getName(), loss, f});
                    }
                }
            }
        }
        return options;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numberOptions")
    void numbersFloat32CannotHoldAreRejected(String name, Class<?> loss, Field option) throws Exception {
        for (double bad : new double[] {1e300, -1e300, 1e-300, 1e7}) {
            Object value = option.getType() == double.class ? (Object) bad : new double[] {1.0, bad};
            rejects(() -> build(loss, option, value), loss.getSimpleName() + ": " + option.getName() + " must be");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numberOptions")
    void theDefaultPasses(String name, Class<?> loss, Field option) throws Exception {
        Object defaults = loss.getConstructor().newInstance();
        option.setAccessible(true);
        Object value = option.get(defaults);
        assertTrue(build(loss, option, value) != null);
    }

    private static Object build(Class<?> loss, Field option, Object value) throws Exception {
        Object builder = loss.getMethod("builder").invoke(null);
        Method setter = builder.getClass().getMethod(option.getName(), option.getType());
        setter.setAccessible(true);
        try {
            setter.invoke(builder, value);
            Method build = builder.getClass().getMethod("build");
            build.setAccessible(true);
            return build.invoke(builder);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw e;
        }
    }
}
