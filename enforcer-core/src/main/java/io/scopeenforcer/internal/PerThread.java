package io.scopeenforcer.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Supplier;

/**
 * One mutable scratch object per platform thread, for work that must not allocate on the cached path (the token
 * cache's look-up key, the request path's segment bounds). A virtual thread gets a fresh object each time: a
 * thread-local would be a new one per request there anyway, and would stay reachable from every virtual thread.
 * The user of an object must finish with it before it can be asked for again on the same thread (no re-entry).
 *
 * @param <T> the scratch type
 */
public final class PerThread<T> {

    /** {@code Thread.isVirtual()} on JDK 21 and later; null before, where every thread is a platform thread. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final Supplier<T> factory;
    private final ThreadLocal<T> local;

    private PerThread(Supplier<T> factory) {
        this.factory = factory;
        this.local = ThreadLocal.withInitial(factory);
    }

    /** Scratch objects made by {@code factory}. */
    public static <T> PerThread<T> of(Supplier<T> factory) {
        return new PerThread<>(factory);
    }

    /** This platform thread's object, or a fresh one on a virtual thread. */
    public T get() {
        return isVirtual() ? factory.get() : local.get();
    }

    private static boolean isVirtual() {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
        } catch (Throwable e) {
            return true; // cannot happen; a fresh object is always correct
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // JDK 17 to 20: no virtual threads
        }
    }
}
