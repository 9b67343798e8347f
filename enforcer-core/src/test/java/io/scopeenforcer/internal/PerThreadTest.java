package io.scopeenforcer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One scratch object per platform thread; a fresh one on each call from a virtual thread. */
class PerThreadTest {

    @Test
    void aPlatformThreadGetsItsOwnObjectEveryTime() throws Exception {
        AtomicInteger made = new AtomicInteger();
        PerThread<Object> scratch = PerThread.of(() -> {
            made.incrementAndGet();
            return new Object();
        });
        Object first = scratch.get();
        assertSame(first, scratch.get());
        ExecutorService another = Executors.newSingleThreadExecutor();
        try {
            assertNotSame(first, CompletableFuture.supplyAsync(scratch::get, another).get(),
                    "another thread has another object");
        } finally {
            another.shutdown();
        }
        assertEquals(2, made.get());
    }

    /** JDK 21 and later (the java-25 matrix axis); JDK 17 has no virtual threads. */
    @Test
    void aVirtualThreadGetsAFreshObjectOnEachCall() throws Exception {
        java.lang.reflect.Method perTask;
        try {
            perTask = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException e) {
            assumeTrue(false, "no virtual threads before JDK 21");
            return;
        }
        PerThread<Object> scratch = PerThread.of(Object::new);
        ExecutorService virtual = (ExecutorService) perTask.invoke(null);
        try {
            boolean fresh = virtual.submit(() -> scratch.get() != scratch.get()).get();
            assertEquals(true, fresh, "a thread-local would be one object per virtual thread, kept alive by it");
        } finally {
            virtual.shutdown();
        }
    }
}
