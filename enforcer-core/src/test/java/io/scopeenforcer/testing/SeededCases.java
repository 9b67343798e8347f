package io.scopeenforcer.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

/**
 * Generated test cases from a seeded {@link Random}: the same seed gives the same cases on every machine, and a
 * failure names the seed and the case so that it can be replayed. Each law draws from its own generator, seeded
 * from the run seed and the law's name, so adding a law does not move the cases of the others.
 *
 * <p>The run seed is {@value #DEFAULT_SEED} unless the system property {@value #SEED_PROPERTY} sets another
 * (a number, or {@code random} for a fresh one, printed in any failure); {@value #CASES_PROPERTY} overrides
 * the number of cases of every law. Surefire hands Maven's user properties to the test JVM, so
 * {@code mvn test -Dtest.seed=42} replays seed 42. Shared test fixture (core test-jar).
 */
public final class SeededCases {

    /** The system property that replaces the run seed. */
    public static final String SEED_PROPERTY = "test.seed";
    /** The system property that replaces the number of cases per law. */
    public static final String CASES_PROPERTY = "test.cases";
    /** The run seed when none is given: fixed, so that a CI run is reproducible without its log. */
    public static final long DEFAULT_SEED = 20_261_128L;

    private static final long SEED = readSeed();

    private SeededCases() {
    }

    /** One generated case that a law checks. */
    @FunctionalInterface
    public interface Check {
        /** Draws what it needs from {@code random} and asserts; throws an {@link AssertionError} on failure. */
        void check(Random random) throws Exception;
    }

    /** The run seed: {@value #DEFAULT_SEED}, or the system property {@value #SEED_PROPERTY}. */
    public static long seed() {
        return SEED;
    }

    /**
     * Runs {@code check} on {@code cases} generated cases (or the {@value #CASES_PROPERTY} property's count),
     * each with a fresh generator, and rethrows the first failure with the seed and case that reproduce it.
     */
    public static void forAll(String law, int cases, Check check) {
        Objects.requireNonNull(law, "law");
        int count = Integer.getInteger(CASES_PROPERTY, cases);
        for (int i = 0; i < count; i++) {
            Random random = new Random(caseSeed(law, i));
            try {
                check.check(random);
            } catch (AssertionError | Exception e) {
                throw new AssertionError(String.format(Locale.ROOT,
                        "%s failed on case %d of %d (run seed %d; replay with -D%s=%d): %s",
                        law, i, count, SEED, SEED_PROPERTY, SEED, e.getMessage()), e);
            }
        }
    }

    /** The seed of case {@code i} of {@code law}: a function of the run seed, the law's name and the index. */
    static long caseSeed(String law, int i) {
        long h = SEED ^ ((long) law.hashCode() << 32) ^ i;
        // SplitMix64's finalizer: neighbouring case indexes give unrelated generators.
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    private static long readSeed() {
        String value = System.getProperty(SEED_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_SEED;
        }
        if (value.strip().toLowerCase(Locale.ROOT).equals("random")) {
            return new Random().nextLong();
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED_PROPERTY + " must be a number or 'random', not " + value, e);
        }
    }

    // --- generators shared by the laws ---

    /** One of {@code values}, uniformly. */
    @SafeVarargs
    public static <T> T oneOf(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    /** A string of {@code min} to {@code max} characters (inclusive), each one of {@code chars}. */
    public static String string(Random random, String chars, int min, int max) {
        int length = min + random.nextInt(max - min + 1);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(chars.charAt(random.nextInt(chars.length())));
        }
        return out.toString();
    }

    /** A list of {@code min} to {@code max} elements (inclusive), each drawn by {@code element}. */
    public static <T> List<T> list(Random random, int min, int max, Function<Random, T> element) {
        int size = min + random.nextInt(max - min + 1);
        List<T> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(element.apply(random));
        }
        return out;
    }
}
