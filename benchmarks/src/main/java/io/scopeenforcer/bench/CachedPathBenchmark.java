package io.scopeenforcer.bench;

import io.scopeenforcer.Decision;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * docs/architecture.md §13, cached path and Spring on repeated tokens: one request stream of 1,000 distinct RS256 tokens over
 * four routes (see {@link Fixtures#ROUTES}), every token seen before, through
 * <ul>
 *   <li>{@code noFilter}: the floor, only {@code chain.doFilter} (what a request costs without any filter);</li>
 *   <li>{@code filter}: {@link ScopeEnforcementFilter#doFilter}; its overhead is {@code filter - noFilter};</li>
 *   <li>{@code decide}: {@link Enforcer#decide} alone, without the servlet layer;</li>
 *   <li>{@code spring}: Spring Security's resource server ({@link SpringResourceServer}), which has no token
 *       cache and verifies every request's signature.</li>
 * </ul>
 * Each invocation also resets the reused stub request and response (the same in every variant).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CachedPathBenchmark {

    static final int TOKENS = 1_000;

    private StubRequest[] requests;
    private String[] tokens;
    private int next;
    private final StubResponse response = new StubResponse();
    private final StubChain chain = new StubChain();
    private Enforcer enforcer;
    private ScopeEnforcementFilter filter;
    private SpringResourceServer spring;

    @Setup(Level.Trial)
    public void setUp() throws IOException, ServletException {
        TokenPool pool = TokenPool.get("RS256", FirstSeenBenchmark.RS256_POOL);
        List<String> seen = pool.tokens().subList(0, TOKENS);
        tokens = seen.toArray(new String[0]);
        requests = Fixtures.requests(seen);
        enforcer = Fixtures.enforcer(pool);
        filter = Fixtures.filter(enforcer);
        spring = new SpringResourceServer(pool.publicJwk());
        // Every request once through each contender: tokens and decisions cached, and each one let through.
        for (StubRequest request : requests) {
            long before = chain.passed;
            filter.doFilter(request.reset(), response.clear(), chain);
            spring.doFilter(request.reset(), response.clear(), chain);
            if (chain.passed != before + 2 || response.getStatus() != 200) {
                throw new IllegalStateException("a benchmark request was denied: " + request.getMethod() + " "
                        + request.getRequestURI() + " -> " + request.getAttribute(ScopeEnforcementFilter.DECISION_ATTRIBUTE));
            }
        }
        if (enforcer.stats().tokenCache().size() < TOKENS / 2) {
            throw new IllegalStateException("tokens are not cached: " + enforcer.stats().tokenCache());
        }
    }

    private StubRequest nextRequest() {
        int i = next;
        next = i + 1 == requests.length ? 0 : i + 1;
        return requests[i].reset();
    }

    // Each variant clears the request's attributes before and after the call, as a container hands out and
    // recycles requests, so that no reused stub keeps a previous request's objects alive.

    @Benchmark
    public ServletRequest noFilter() throws IOException, ServletException {
        StubRequest request = nextRequest();
        chain.doFilter(request, response.clear());
        request.reset();
        return chain.last;
    }

    @Benchmark
    public ServletRequest filter() throws IOException, ServletException {
        StubRequest request = nextRequest();
        filter.doFilter(request, response.clear(), chain);
        request.reset();
        return chain.last;
    }

    @Benchmark
    public Decision decide() {
        int i = next;
        next = i + 1 == requests.length ? 0 : i + 1;
        StubRequest request = requests[i];
        return enforcer.decide(request.getHeader("Authorization"), request.getMethod(), request.getRequestURI());
    }

    @Benchmark
    public ServletRequest spring() throws IOException, ServletException {
        StubRequest request = nextRequest();
        spring.doFilter(request, response.clear(), chain);
        request.reset();
        return chain.last;
    }
}
