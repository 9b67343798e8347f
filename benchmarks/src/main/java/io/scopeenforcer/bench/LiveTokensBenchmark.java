package io.scopeenforcer.bench;

import io.scopeenforcer.Enforcer;
import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import io.scopeenforcer.token.TokenCacheStats;
import io.scopeenforcer.token.TokenVerifier;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * docs/architecture.md §13, scale of work in live tokens: {@link ScopeEnforcementFilter#doFilter} on the request
 * stream of {@link CachedPathBenchmark} (four routes, RS256), but with 1,000, 10,000 or 100,000 distinct tokens,
 * each asked for in a uniformly random order (fixed seed), and the token cache ({@code cache-max-entries})
 * <ul>
 *   <li>{@code fit}: as large as the number of tokens, and every token seen once before measuring, so each
 *       request is a cache hit and the figure is the cached path's cost at that many live tokens;</li>
 *   <li>{@code overflow}: half the number of tokens, so about half the requests (what the cache's admission
 *       policy keeps) verify the token's signature again.</li>
 * </ul>
 * Flat cost in {@code fit} is the target (docs/architecture.md §13: "cost flat in the number of live tokens");
 * the growth that remains comes from memory (a bigger cache misses the CPU caches more often). At the end of
 * each iteration the token cache's hit rate over it is printed, so {@code overflow}'s mix of hits and
 * verifications can be read next to its time.
 *
 * <p>The 100,000-token pool takes a few minutes to sign the first time (2 cores); it is kept on disk for an
 * hour like every {@link TokenPool}. The smaller sizes reuse the first tokens of the 10,000-token pool of the
 * other benchmarks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class LiveTokensBenchmark {

    /** Random request indices per fork; a power of two, and more than the largest pool so that no cycle shows. */
    private static final int STREAM = 1 << 20;

    @Param({"1000", "10000", "100000"})
    public int tokens;

    @Param({"fit", "overflow"})
    public String cache;

    private StubRequest[] requests;
    private int[] stream;
    private int next;
    private final StubResponse response = new StubResponse();
    private final StubChain chain = new StubChain();
    private Enforcer enforcer;
    private ScopeEnforcementFilter filter;
    private TokenCacheStats before;

    @Setup(Level.Trial)
    public void setUp() throws IOException, ServletException {
        TokenPool pool = TokenPool.get("RS256", Math.max(tokens, FirstSeenBenchmark.RS256_POOL));
        List<String> live = pool.tokens().subList(0, tokens);
        requests = Fixtures.requests(live);
        long maxEntries = switch (cache) {
            case "fit" -> tokens;
            case "overflow" -> tokens / 2;
            default -> throw new IllegalArgumentException("fit or overflow, not " + cache);
        };
        enforcer = Enforcer.newBuilder()
                .verifier(TokenVerifier.newBuilder().trust(pool.trustedIssuer()).cacheMaxEntries(maxEntries).build())
                .policy(Fixtures.policy())
                .build();
        filter = Fixtures.filter(enforcer);
        SplittableRandom random = new SplittableRandom(42);
        stream = new int[STREAM];
        for (int i = 0; i < STREAM; i++) {
            stream[i] = random.nextInt(tokens);
        }
        // Every request once: each one let through, and in "fit" each token cached.
        for (StubRequest request : requests) {
            long passed = chain.passed;
            filter.doFilter(request.reset(), response.clear(), chain);
            request.reset();
            if (chain.passed != passed + 1 || response.getStatus() != 200) {
                throw new IllegalStateException("a benchmark request was denied: " + request.getMethod() + " "
                        + request.getRequestURI());
            }
        }
        long cached = enforcer.stats().tokenCache().size();
        if (cache.equals("fit") && cached < tokens) {
            throw new IllegalStateException("only " + cached + " of " + tokens + " tokens are cached");
        }
    }

    @Setup(Level.Iteration)
    public void markStats() {
        before = enforcer.stats().tokenCache();
    }

    /** The token cache's hit rate over the iteration (JMH prints it with the iteration's line). */
    @TearDown(Level.Iteration)
    public void printHitRate() {
        TokenCacheStats after = enforcer.stats().tokenCache();
        long hits = after.hits() - before.hits();
        long misses = after.misses() - before.misses();
        System.out.printf(Locale.ROOT, "[%d tokens, cache %s (%d entries): %.1f%% hits of %d requests] ", tokens,
                cache, after.size(), 100.0 * hits / Math.max(1, hits + misses), hits + misses);
    }

    @Benchmark
    public ServletRequest filter() throws IOException, ServletException {
        StubRequest request = requests[stream[next++ & (STREAM - 1)]].reset();
        filter.doFilter(request, response.clear(), chain);
        request.reset();
        return chain.last;
    }
}
