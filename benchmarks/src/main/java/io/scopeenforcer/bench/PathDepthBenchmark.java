package io.scopeenforcer.bench;

import io.scopeenforcer.Decision;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * docs/architecture.md §13, scale of work in path depth: requests of 2, 8 and 32 segments (the path firewall
 * allows 64) on the example policy plus one generated rule,
 * <ul>
 *   <li>{@code template}: {@link Enforcer#decide} without a token on a {@code public} rule of exactly that many
 *       segments, literals and {@code {var}}s alternating ({@code /d0/{v1}/d2/{v3}/...}): path firewall and
 *       route index, no token work;</li>
 *   <li>{@code wildcard}: {@link ScopeEnforcementFilter#doFilter}, cached token, on
 *       {@code GET /paas/analytics/...} of that many segments, which the example policy's
 *       {@code /paas/analytics/**} rule matches: the whole cached path of {@link CachedPathBenchmark}.</li>
 * </ul>
 * Every segment must be read once (canonicalization, matching), so the cost may grow linearly with the depth;
 * the figures say by how much per segment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PathDepthBenchmark {

    @Param({"2", "8", "32"})
    public int depth;

    private String templatePath;
    private StubRequest[] wildcard;
    private int next;
    private final StubResponse response = new StubResponse();
    private final StubChain chain = new StubChain();
    private Enforcer enforcer;
    private ScopeEnforcementFilter filter;

    @Setup(Level.Trial)
    public void setUp() throws IOException, ServletException {
        StringBuilder rule = new StringBuilder();
        StringBuilder path = new StringBuilder();
        StringBuilder deep = new StringBuilder("/paas/analytics");
        for (int i = 0; i < depth; i++) {
            rule.append(i % 2 == 0 ? "/d" + i : "/{v" + i + "}");
            path.append(i % 2 == 0 ? "/d" + i : "/value-" + i);
            if (i >= 2) {
                deep.append("/s").append(i);
            }
        }
        templatePath = path.toString();
        TokenPool pool = TokenPool.get("RS256", FirstSeenBenchmark.RS256_POOL);
        List<String> tokens = pool.tokens().subList(0, CachedPathBenchmark.TOKENS);
        enforcer = Fixtures.enforcer(pool.trustedIssuer(),
                RoutePolicy.parse(Fixtures.POLICY + "GET " + rule + " public\n", "policy.txt"));
        filter = Fixtures.filter(enforcer);
        wildcard = new StubRequest[tokens.size()];
        for (int i = 0; i < wildcard.length; i++) {
            wildcard[i] = new StubRequest("GET", deep.toString(), tokens.get(i));
        }
        if (!template().allowed() || enforcer.decide(null, "GET", templatePath + "/one-more").allowed()) {
            throw new IllegalStateException("the generated rule does not match exactly " + templatePath);
        }
        // Every token once: cached, and let through.
        for (StubRequest request : wildcard) {
            long passed = chain.passed;
            filter.doFilter(request.reset(), response.clear(), chain);
            request.reset();
            if (chain.passed != passed + 1) {
                throw new IllegalStateException("denied: GET " + request.getRequestURI());
            }
        }
    }

    @Benchmark
    public Decision template() {
        return enforcer.decide(null, "GET", templatePath);
    }

    @Benchmark
    public ServletRequest wildcard() throws IOException, ServletException {
        int i = next;
        next = i + 1 == wildcard.length ? 0 : i + 1;
        StubRequest request = wildcard[i].reset();
        filter.doFilter(request, response.clear(), chain);
        request.reset();
        return chain.last;
    }
}
