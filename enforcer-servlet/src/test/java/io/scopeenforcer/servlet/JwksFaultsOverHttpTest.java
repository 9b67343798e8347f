package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.testing.TestKeys;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A broken, slow or hostile JWKS endpoint, seen by a client of the protected app: a real {@link JwksServer} the
 * test drives, a real Jetty with the filter (its issuer pointed at that server) in front of a trivial servlet,
 * and a real HTTP client. What is asserted is what a client and an operator see: 401 vs 503 with
 * {@code Retry-After}, how long an answer takes, recovery when the endpoint heals, and how many fetches the
 * endpoint saw (the rate limit holds under a flood of unknown {@code kid}s).
 *
 * <p>The issuer uses short JWKS settings (connect 300 ms, read 500 ms, rate limit 500 ms, cache 1.5 s) so each case
 * takes about a second; the defaults only scale the same behaviour.
 */
class JwksFaultsOverHttpTest {

    private static final Duration CONNECT = Duration.ofMillis(300);
    private static final Duration READ = Duration.ofMillis(500);
    private static final Duration RATE_LIMIT = Duration.ofMillis(500);
    private static final Duration CACHE_TTL = Duration.ofMillis(1500);
    /** The slowest a 503 may come: a fetch's connect and read timeouts, plus slack for a loaded CI machine. */
    private static final Duration PROMPT = Duration.ofMillis(2_500);
    private static final String PATH = "/paas/analytics/reports";
    private static final String SCOPE = "urn:opc:resource:consumer:paas:analytics::read";

    private static final TestIssuer IDP = TestIssuer.create("https://IDP.example.test");
    private JwksServer jwks;
    private Server jetty;
    private URI base;
    private ScopeEnforcementFilter filter;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startEndpoint() {
        jwks = JwksServer.start(IDP.publicJwkSet());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        jwks.close();
    }

    /** Starts Jetty with a filter whose issuer fetches keys from {@link #jwks} with the short settings. */
    private void startApp() throws Exception {
        TrustedIssuer issuer = TrustedIssuer.jwksUri(IDP.issuer(), jwks.uri())
                .audience(TestIssuer.DEFAULT_AUDIENCE).jwksConnectTimeout(CONNECT).jwksReadTimeout(READ)
                .jwksRateLimit(RATE_LIMIT).jwksCacheTtl(CACHE_TTL).jwksRefreshAhead(Duration.ZERO).build();
        Enforcer enforcer = Enforcer.newBuilder()
                .verifier(TokenVerifier.newBuilder().trust(issuer).build())
                .policy(RoutePolicy.parse("GET /health public\nGET /paas/{service}/** "
                        + "urn:opc:resource:consumer:paas:{service}::read", "policy.txt"))
                .retryAfter(java.time.Duration.ofSeconds(7))
                .build();
        filter = ScopeEnforcementFilter.newBuilder().enforcer(enforcer).challengeRealm("api").build();
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setDaemon(true);
        jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new OkServlet()), "/*");
        jetty.setHandler(context);
        jetty.setStopTimeout(0);
        jetty.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    static Stream<Arguments> brokenEndpoints() {
        return Stream.of(
                Arguments.of("status 500", (Consumer<JwksServer>) s -> s.failWithStatus(500)),
                Arguments.of("connection closed without an answer", (Consumer<JwksServer>) JwksServer::dropConnections),
                Arguments.of("slower than the read timeout", (Consumer<JwksServer>) s -> s.delay(Duration.ofSeconds(3))),
                Arguments.of("garbage", (Consumer<JwksServer>) s -> s.serveRaw("\u0000\u0001garbage<html>")),
                Arguments.of("{}", (Consumer<JwksServer>) s -> s.serveRaw("{}")),
                Arguments.of("1 MiB", (Consumer<JwksServer>) s -> s.bloat(1 << 20)),
                Arguments.of("endless chunked body, fast", (Consumer<JwksServer>) s -> s.endlessChunked(Duration.ZERO)),
                Arguments.of("endless chunked body, one chunk every 100 ms",
                        (Consumer<JwksServer>) s -> s.endlessChunked(Duration.ofMillis(100))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenEndpoints")
    void requestWhenJwksBrokenAndNothingCachedThen503PromptlyAndRecoversWhenHealed(String name,
            Consumer<JwksServer> breakIt) throws Exception {
        breakIt.accept(jwks);
        startApp();
        String token = IDP.token().scope(SCOPE).sign();

        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            Reply reply = get(PATH, token);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(503, reply.status(), () -> name + ": " + reply);
            assertEquals("7", reply.header("Retry-After"));
            // 503 is no verdict on the token: no invalid_token challenge.
            assertNull(reply.header("WWW-Authenticate"), reply::toString);
            assertTrue(reply.body().contains("\"status\":503"), reply::body);
            assertTrue(took.compareTo(PROMPT) < 0, () -> name + ": the 503 took " + took);
        }
        assertEquals(200, get("/health", null).status(), "public routes do not need keys");

        jwks.heal();
        Thread.sleep(RATE_LIMIT.toMillis() + 100);
        assertEquals(200, get(PATH, token).status(), name + ": recovered once the endpoint healed");
        assertEquals(200, get(PATH, IDP.token().scope(SCOPE).sign()).status(), name + ": and for new tokens");
    }

    @Test
    void requestWhenJwksServerGoneAndNothingCachedThen503() throws Exception {
        startApp();
        jwks.close();
        long start = System.nanoTime();
        Reply reply = get(PATH, IDP.token().scope(SCOPE).sign());
        assertEquals(503, reply.status(), reply::toString);
        assertNotNull(reply.header("Retry-After"));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(PROMPT) < 0);
    }

    @Test
    void requestWhenJwksDownWithWarmCacheThenKnownKeysKeepWorkingAndFetchesAreFew() throws Exception {
        startApp();
        String token = IDP.token().scope(SCOPE).sign();
        assertEquals(200, get(PATH, token).status());
        assertEquals(1, jwks.fetches());
        jwks.failWithStatus(500);
        long until = System.nanoTime() + CACHE_TTL.toNanos() + Duration.ofSeconds(1).toNanos();
        int requests = 0;
        while (System.nanoTime() < until) {
            assertEquals(200, get(PATH, IDP.token().scope(SCOPE).sign()).status(), "outage tolerance");
            requests++;
        }
        // Past the TTL every request would like a refetch; the rate limit lets one through per interval.
        int allowed = 2 + (int) ((CACHE_TTL.toMillis() + 1000) / RATE_LIMIT.toMillis());
        int fetches = jwks.fetches();
        int sent = requests;
        assertTrue(fetches <= allowed, () -> fetches + " fetches for " + sent + " requests, at most " + allowed);
    }

    @Test
    void requestWhenKeyRotatedThenNewKeyPickedUpByOneRefetch() throws Exception {
        startApp();
        assertEquals(200, get(PATH, IDP.token().scope(SCOPE).sign()).status());
        TestKeys next = TestKeys.rsa("rotated-in");
        jwks.addKey(next.publicJwk());
        Thread.sleep(RATE_LIMIT.toMillis() + 100);
        int before = jwks.fetches();
        String rotated = IDP.token().signedWith(next).scope(SCOPE).sign();
        assertEquals(200, get(PATH, rotated).status(), "a token of the new key");
        assertEquals(200, get(PATH, rotated).status());
        assertEquals(200, get(PATH, IDP.token().signedWith(next).scope(SCOPE).sign()).status());
        assertEquals(before + 1, jwks.fetches(), "one refetch for the unknown kid, then the cache");
    }

    @Test
    void requestWhenKeyRemovedThenItsTokensRefusedOnceTheCacheExpires() throws Exception {
        startApp();
        String token = IDP.token().scope(SCOPE).sign();
        assertEquals(200, get(PATH, token).status());
        jwks.removeKey(IDP.rsa().kid());
        assertEquals(200, get(PATH, token).status(), "still cached (verified token and JWK set)");
        Thread.sleep(CACHE_TTL.toMillis() + 200);
        Reply reply = get(PATH, IDP.token().scope(SCOPE).sign());
        assertEquals(401, reply.status(), reply::toString);
        assertTrue(reply.header("WWW-Authenticate").contains("error=\"invalid_token\""), reply::toString);
        assertEquals(200, get(PATH, IDP.token().signedWith(IDP.ec()).scope(SCOPE).sign()).status(),
                "the keys still published work");
    }

    @Test
    void requestWhenUnknownKidFloodFromManyThreadsThen401AndFetchesWithinRateLimit() throws Exception {
        startApp();
        assertEquals(200, get(PATH, IDP.token().scope(SCOPE).sign()).status());
        int threads = 16;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String token = IDP.token().keyId("flood-" + thread + "-" + i).scope(SCOPE).sign();
                        statuses.merge(get(PATH, token).status(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(Map.of(401, threads * perThread), statuses, "every unknown kid is an invalid token");
        // Nimbus's rate limiter lets two fetches through per interval; plus the first fetch before the flood. The
        // intervals start at the flood's first fetch, not at our clock: a partial one can open at either end.
        long allowed = 1 + 2 * (2 + elapsedMillis / RATE_LIMIT.toMillis());
        int fetches = jwks.fetches();
        assertTrue(fetches <= allowed, () -> fetches + " fetches in " + elapsedMillis + " ms, at most " + allowed);
        assertEquals(200, get(PATH, IDP.token().scope(SCOPE).sign()).status(), "good tokens still pass");
    }

    private Reply get(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            r.headers().map().forEach((k, v) -> headers.put(k, String.join(",", v)));
            return new Reply(r.statusCode(), headers, r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** The protected application: answers 200 "ok". */
    static final class OkServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setStatus(200);
            resp.setContentType("text/plain");
            resp.getWriter().write("ok");
        }
    }
}
