package org.dl4jlosses.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies of a class per {@link LaneMath} implementation, so that each precision runs its own
 * compiled code.
 *
 * <p>C2 compiles a method once, with the types its call sites saw. A formula generic in its lanes
 * that runs with float and double lanes in one JVM sees two lane types, and C2 then keeps every
 * vector in a heap object: both precisions run 10-20x slower. Loading the same class bytes again
 * as a hidden class ({@link MethodHandles.Lookup#defineHiddenClass}) gives each copy its own
 * profile; measured on a Huber row of 1,024 elements, float lanes then run as fast as a loop
 * written by hand for {@code FloatVector}, and double lanes at half that speed (half the lanes).
 * Where a copy cannot be made (before Java 15), the class itself is used: the numbers are the same,
 * only slower.
 */
final class Specialized {
    /** Copies of each class, by the LaneMath class (and formula class, for loops) they serve. */
    private static final ClassValue<Map<Object, Class<?>>> COPIES = new ClassValue<>() {
        @Override
        protected Map<Object, Class<?>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /** {@code Lookup.defineHiddenClass} of Java 15 and later (reached by name: the library is compiled for Java 11), or null. */
    private static final Method DEFINE_HIDDEN_CLASS = defineHiddenClass();

    private Specialized() {
    }

    private static Method defineHiddenClass() {
        try {
            Class<?> option = Class.forName("java.lang.invoke.MethodHandles$Lookup$ClassOption");
            return MethodHandles.Lookup.class.getMethod("defineHiddenClass", byte[].class, boolean.class,
                    java.lang.reflect.Array.newInstance(option, 0).getClass());
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /**
     * A new instance of {@code type}'s copy for {@code key}, built by its one constructor from
     * {@code arguments}, as the interface {@code as} (the copy is not a {@code type}).
     */
    static <T> T instance(Class<?> type, Class<T> as, Object key, Object... arguments) {
        Class<?> copy = COPIES.get(type).computeIfAbsent(key, k -> copy(type));
        try {
            Constructor<?> constructor = copy.getDeclaredConstructors()[0];
            constructor.setAccessible(true);
            return as.cast(constructor.newInstance(arguments));
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot instantiate " + type.getName(), e);
        }
    }

    private static Class<?> copy(Class<?> type) {
        String file = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            if (in == null) {
                return type;
            }
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
            if (DEFINE_HIDDEN_CLASS == null) {
                return type;
            }
            Object options = java.lang.reflect.Array.newInstance(DEFINE_HIDDEN_CLASS.getParameterTypes()[2].getComponentType(), 0);
            MethodHandles.Lookup copy = (MethodHandles.Lookup) DEFINE_HIDDEN_CLASS.invoke(lookup, in.readAllBytes(), true, options);
            return copy.lookupClass();
        } catch (IOException | ReflectiveOperationException | LinkageError e) {
            return type;
        }
    }
}
