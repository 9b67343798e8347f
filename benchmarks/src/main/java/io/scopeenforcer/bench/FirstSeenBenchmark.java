package io.scopeenforcer.bench;

import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.scopeenforcer.Decision;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import io.scopeenforcer.token.TokenCacheStats;
import io.scopeenforcer.token.TrustedIssuer;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
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
 * docs/architecture.md §13, first-seen tokens: every invocation brings a token that the filter has never seen, with its caches
 * on. The tokens come from a pool of distinct, validly signed tokens ({@value #RS256_POOL} RS256 or
 * {@value #ES256_POOL} ES256) on the four routes of the request stream. When the pool runs out, the filter is
 * rebuilt with empty caches (same trusted issuer and policy) and the pool starts again, so no invocation ever
 * hits the token or decision cache; the rebuild (about once per pool) is measured with {@code filter} and
 * {@code decide}, against them. Between rebuilds the token cache fills up to the pool size (at most the
 * default maximum, 10,000).
 * <ul>
 *   <li>{@code nimbus}: Nimbus {@code DefaultJWTProcessor} alone on the token string — parse, {@code typ},
 *       signature, iss/aud/exp — the physical floor;</li>
 *   <li>{@code decide}: {@link Enforcer#decide}, caches on;</li>
 *   <li>{@code filter}: {@link ScopeEnforcementFilter#doFilter}, caches on;</li>
 *   <li>{@code spring}: Spring Security's resource server on the same requests.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Six warm-up seconds: with ~10,000 operations a second the verification path (parser, Gson, BigInteger,
// Caffeine) was still being compiled after three on 2 cores (iterations falling from 230 to 110 us).
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FirstSeenBenchmark {

    static final int RS256_POOL = 10_000;
    static final int ES256_POOL = 2_000;

    @Param({"RS256", "ES256"})
    public String alg;

    /** Who checks the filter's signatures (the {@code signature-provider} parameter); Nimbus and Spring use the JDK. */
    @Param({"jdk", "accp"})
    public String provider;

    private java.security.Signature primitive;
    private java.security.PublicKey publicKey;
    private byte[][] signingInputs;
    private byte[][] signatures;

    private TokenPool pool;
    private String[] tokens;
    private StubRequest[] requests;
    private int next;
    private final StubResponse response = new StubResponse();
    private final StubChain chain = new StubChain();
    private TrustedIssuer issuer;
    private RoutePolicy policy;
    private Enforcer enforcer;
    private ScopeEnforcementFilter filter;
    private DefaultJWTProcessor<SecurityContext> nimbus;
    private SpringResourceServer spring;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pool = TokenPool.get(alg, alg.equals("RS256") ? RS256_POOL : ES256_POOL);
        tokens = pool.tokens().toArray(new String[0]);
        requests = Fixtures.requests(pool.tokens());
        issuer = pool.trustedIssuer(provider);
        java.security.Provider jca = provider.equals("accp")
                ? (java.security.Provider) Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider")
                        .getField("INSTANCE").get(null)
                : null;
        String name = alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSA";
        primitive = jca == null ? java.security.Signature.getInstance(name) : java.security.Signature.getInstance(name, jca);
        publicKey = alg.equals("RS256") ? pool.publicJwk().toRSAKey().toPublicKey() : pool.publicJwk().toECKey().toPublicKey();
        signingInputs = new byte[tokens.length][];
        signatures = new byte[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            int dot = tokens[i].lastIndexOf('.');
            signingInputs[i] = tokens[i].substring(0, dot).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] jws = new com.nimbusds.jose.util.Base64URL(tokens[i].substring(dot + 1)).decode();
            signatures[i] = alg.equals("RS256") ? jws : com.nimbusds.jose.crypto.impl.ECDSA.transcodeSignatureToDER(jws);
        }
        policy = Fixtures.policy();
        nimbus = Fixtures.nimbus(pool);
        spring = new SpringResourceServer(pool.publicJwk());
        // Each contender lets the first requests through (then forgets them: fresh caches).
        for (int i = 0; i < 4; i++) {
            StubRequest request = requests[i];
            rebuild();
            long before = chain.passed;
            filter.doFilter(request.reset(), response.clear(), chain);
            spring.doFilter(request.reset(), response.clear(), chain);
            nimbus.process(tokens[i], null);
            if (chain.passed != before + 2 || response.getStatus() != 200
                    || !enforcer.decide("Bearer " + tokens[i + 4], request.getMethod(), request.getRequestURI()).allowed()) {
                throw new IllegalStateException("a benchmark request was denied: " + request.getMethod() + " "
                        + request.getRequestURI() + " -> " + request.getAttribute(ScopeEnforcementFilter.DECISION_ATTRIBUTE));
            }
        }
        rebuild();
        next = 0;
    }

    /** Proof of method: within an iteration, no token came from the cache. */
    @TearDown(Level.Iteration)
    public void checkNoCacheHits() {
        TokenCacheStats stats = enforcer.stats().tokenCache();
        if (stats.hits() != 0 || enforcer.stats().decisionCache().hits() != 0) {
            throw new IllegalStateException("a first-seen benchmark hit a cache: " + stats);
        }
    }

    private void rebuild() {
        enforcer = Fixtures.enforcer(issuer, policy);
        filter = Fixtures.filter(enforcer);
    }

    /** The next index; past the end, back to 0 with fresh caches (so no token is ever seen twice). */
    private int nextFresh() {
        int i = next;
        if (i == tokens.length) {
            rebuild();
            i = 0;
        }
        next = i + 1;
        return i;
    }

    /** The next index for the contenders without caches. */
    private int nextAny() {
        int i = next;
        next = i + 1 >= tokens.length ? 0 : i + 1;
        return i;
    }

    /**
     * The bare signature check of the provider in use, as the JCA gives it: the floor the filter's first-seen
     * cost is held against (target: filter at most 1.1x this).
     */
    @Benchmark
    public boolean primitive() throws java.security.GeneralSecurityException {
        int i = nextAny();
        primitive.initVerify(publicKey);
        primitive.update(signingInputs[i]);
        return primitive.verify(signatures[i]);
    }

    @Benchmark
    public JWTClaimsSet nimbus() throws BadJOSEException, com.nimbusds.jose.JOSEException, java.text.ParseException {
        return nimbus.process(tokens[nextAny()], null);
    }

    @Benchmark
    public Decision decide() {
        int i = nextFresh();
        StubRequest request = requests[i];
        return enforcer.decide(request.getHeader("Authorization"), request.getMethod(), request.getRequestURI());
    }

    // The request's attributes are dropped after the call too, as a container recycles a finished request:
    // otherwise each of the 10,000 reused stubs would keep its last token alive for a whole pool cycle.

    @Benchmark
    public ServletRequest filter() throws IOException, ServletException {
        StubRequest request = requests[nextFresh()].reset();
        filter.doFilter(request, response.clear(), chain);
        request.reset();
        return chain.last;
    }

    @Benchmark
    public ServletRequest spring() throws IOException, ServletException {
        StubRequest request = requests[nextAny()].reset();
        spring.doFilter(request, response.clear(), chain);
        request.reset();
        return chain.last;
    }
}
