package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.CacheStats;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak over real HTTP: many client threads send a bounded number of requests, a mix of valid, expired, forged,
 * wrong-audience, wrong-scope, wrong-tenant, missing and garbage tokens on good and hostile paths, to a real Jetty
 * running the filter as the example app deploys it (its {@code WEB-INF/policy.txt}, configured by init-params)
 * with keys from a real JWKS endpoint. Every answer is compared with the status the test expects for what it
 * sent, written down by hand from DESIGN §5 and §7, not asked of the engine. Afterwards: no 5xx, no wrong
 * answer, the token, failure and decision caches never above their configured sizes, and used heap after GC
 * back within a bound of where it started.
 *
 * <p>CI runs {@value #DEFAULT_REQUESTS} requests; {@code -Dsoak.requests=1000000} runs longer (SECURITY.md).
 * The example app's {@code ExampleApp.Running} does not expose its filter, whose cache statistics this test
 * reads, so the filter runs here in the servlet module's own Jetty with the app's policy file.
 */
class SoakTest {

    static final int DEFAULT_REQUESTS = 4_000;
    private static final int THREADS = 16;
    /** The configured cache size: small, so that the distinct tokens keep it evicting. */
    private static final int CACHE_MAX = 100;
    private static final int DISTINCT_TOKENS = 400;
    private static final long HEAP_SLACK_BYTES = 48L << 20;
    /** Valid tokens outlive the longest soak; the default 5 minutes would turn them into 401s mid-run. */
    private static final Duration LIFETIME = Duration.ofDays(2);
    private static final Path EXAMPLE_POLICY = Path.of("..", "example-app", "src", "main", "webapp", "WEB-INF",
            "policy.txt");

    /** One request the test knows the answer to. {@code raw} requests go over a plain socket, byte for byte. */
    record Probe(String name, String method, String path, String token, int expected, boolean raw) {
        /** Never the token (STYLE.md): the name says which one it is. */
        @Override
        public String toString() {
            return name + ": " + method + " " + path + " expecting " + expected;
        }
    }

    @Test
    void soakWhenManyThreadsMixedTokensAndHostilePathsThenNoWrongAnswerAndBoundedCachesAndHeap(@TempDir Path dir)
            throws Exception {
        int requests = Integer.getInteger("soak.requests", DEFAULT_REQUESTS);
        TestIssuer idp = TestIssuer.create("https://idp.example.test");
        TestIssuer forger = TestIssuer.create("https://idp.example.test");
        try (JwksServer jwks = JwksServer.start(idp.publicJwkSet())) {
            Map<String, String> params = FilterServer.params(idp, jwks, dir);
            params.put("policy", Files.copy(EXAMPLE_POLICY, dir.resolve("example-policy.txt")).toString());
            params.put("cache-max-entries", Integer.toString(CACHE_MAX));
            try (FilterServer server = FilterServer.start("/", params)) {
                List<Probe> probes = probes(idp, forger);
                // Warm-up: one pass over the table, single-threaded, so a wrong row fails with a readable message.
                for (Probe probe : probes.subList(0, probes.size() - DISTINCT_TOKENS + 10)) {
                    int status = send(server, probe);
                    assertEquals(probe.expected(), status, probe::toString);
                }
                long heapBefore = usedHeapAfterGc();
                Result result = run(server, probes, requests);
                long heapAfter = usedHeapAfterGc();

                assertEquals(List.of(), result.wrong, "wrong answers (first 10)");
                assertEquals(0, result.statuses.keySet().stream().filter(s -> s >= 500).count(),
                        () -> "5xx: " + result.statuses);
                assertEquals(requests, result.statuses.values().stream().mapToInt(AtomicInteger::get).sum());
                ScopeEnforcementFilter.Stats stats = server.filter().stats();
                CacheStats tokens = stats.tokenCache();
                assertTrue(result.peakTokens.get() <= CACHE_MAX + 2L * THREADS,
                        () -> "token cache peaked at " + result.peakTokens + " (Caffeine evicts asynchronously)");
                assertTrue(tokens.size() <= CACHE_MAX, () -> "token cache: " + tokens);
                assertTrue(tokens.negativeSize() <= Math.max(1, CACHE_MAX / 10), () -> "failure cache: " + tokens);
                assertTrue(stats.decisionCache().tokens() <= CACHE_MAX, () -> "decision cache: " + stats.decisionCache());
                assertTrue(tokens.evictions() > 0, () -> "the token cache never had to evict: " + tokens);
                assertTrue(heapAfter <= heapBefore + HEAP_SLACK_BYTES,
                        () -> "heap after GC grew from " + heapBefore / 1024 + " KiB to " + heapAfter / 1024 + " KiB");
                System.out.printf("soak: %d requests in %d ms by %d threads; statuses %s; %s; %s; heap %d -> %d KiB%n",
                        requests, result.millis, THREADS, new TreeMap<>(result.statuses), tokens,
                        stats.decisionCache(), heapBefore / 1024, heapAfter / 1024);
            }
        }
    }

    /** What a run saw. */
    private record Result(Map<Integer, AtomicInteger> statuses, List<String> wrong, AtomicLong peakTokens,
            long millis) {
    }

    private static Result run(FilterServer server, List<Probe> probes, int requests) throws Exception {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        AtomicLong peak = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(1000L + t);
                done.add(pool.submit(() -> {
                    go.await();
                    while (next.getAndIncrement() < requests) {
                        // Half from the table, half the distinct tokens that keep the caches evicting.
                        int table = probes.size() - DISTINCT_TOKENS;
                        Probe probe = probes.get(random.nextBoolean() ? random.nextInt(table)
                                : table + random.nextInt(DISTINCT_TOKENS));
                        int status = send(server, probe);
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        if (status != probe.expected() && wrong.size() < 10) {
                            wrong.add(probe + " -> " + status);
                        }
                        if ((next.get() & 63) == 0) {
                            peak.accumulateAndGet(server.filter().stats().tokenCache().size(), Math::max);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(statuses, List.copyOf(wrong), peak, Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    private static int send(FilterServer server, Probe probe) {
        if (probe.raw()) {
            StringBuilder request = new StringBuilder(probe.method()).append(' ').append(probe.path())
                    .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            if (probe.token() != null) {
                request.append("Authorization: Bearer ").append(probe.token()).append("\r\n");
            }
            return server.raw(request.append("Connection: close\r\n\r\n").toString()).status();
        }
        return probe.token() == null ? server.send(FilterServer.Request.of(probe.method(), probe.path())).status()
                : server.send(FilterServer.Request.of(probe.method(), probe.path(), "Authorization",
                        "Bearer " + probe.token())).status();
    }

    /**
     * The table: each token with requests whose status follows from DESIGN §5 and the example policy; hostile
     * paths (400 whoever answers, Jetty or the filter); and last, {@value #DISTINCT_TOKENS} distinct valid
     * tokens on their own routes, more than the cache holds.
     */
    static List<Probe> probes(TestIssuer idp, TestIssuer forger) {
        String analytics = valid(idp).scope("urn:opc:resource:consumer:paas:analytics::read").sign();
        String stack = valid(idp).scope("urn:opc:resource:consumer:paas:stack::all").sign();
        String account = valid(idp).scope("urn:opc:resource:consumer::all").sign();
        String admin = valid(idp).scope("urn:opc:idm:__myscopes__").sign();
        String acme = valid(idp).scope("applications:read applications:create groups:update identities:read")
                .tenant("acme").realm("prod").sign();
        String expired = idp.token().scope("urn:opc:resource:consumer::all")
                .expiresAt(Instant.now().minus(Duration.ofMinutes(10))).sign();
        String forged = valid(forger).keyId(idp.rsa().kid()).scope("urn:opc:resource:consumer::all").sign();
        String wrongAudience = valid(idp).audience("https://other.example.test")
                .scope("urn:opc:resource:consumer::all").sign();
        String garbage = "not.a.jwt";

        List<Probe> p = new ArrayList<>();
        p.add(probe("health, no token", "GET", "/health", null, 200));
        p.add(probe("health, garbage token", "GET", "/health", garbage, 200));
        p.add(probe("no rule", "GET", "/nowhere", admin, 403));
        p.add(probe("no token", "GET", "/paas/analytics/reports", null, 401));
        p.add(probe("analytics reads", "GET", "/paas/analytics/reports", analytics, 200));
        p.add(probe("analytics HEAD", "HEAD", "/paas/analytics/reports", analytics, 200));
        p.add(probe("analytics cannot write", "POST", "/paas/analytics/reports", analytics, 403));
        p.add(probe("analytics cannot read stack", "GET", "/paas/stack/vm/1", analytics, 403));
        p.add(probe("unknown service", "GET", "/paas/other/x", account, 403));
        p.add(probe("stack::all deletes", "DELETE", "/paas/stack/vm/1", stack, 200));
        p.add(probe("stack::all reads", "GET", "/paas/stack/vm/1", stack, 200));
        p.add(probe("consumer::all reads", "GET", "/paas/analytics/reports", account, 200));
        p.add(probe("consumer::all never opens admin", "GET", "/admin/v1/Users", account, 403));
        p.add(probe("admin", "GET", "/admin/v1/Users", admin, 200));
        p.add(probe("admin, any method", "DELETE", "/admin/v1/Groups/g1", admin, 200));
        p.add(probe("acme lists", "GET", "/v1/tenants/acme/realms/prod/applications", acme, 200));
        p.add(probe("acme creates", "POST", "/v1/tenants/acme/realms/prod/applications", acme, 200));
        p.add(probe("acme cannot delete", "DELETE", "/v1/tenants/acme/realms/prod/applications/a1", acme, 403));
        p.add(probe("acme in globex", "GET", "/v1/tenants/globex/realms/main/applications", acme, 403));
        p.add(probe("acme in dev", "GET", "/v1/tenants/acme/realms/dev/applications", acme, 403));
        p.add(probe("acme custom method", "POST", "/v1/tenants/acme/realms/prod/groups/g1:addMembers", acme, 200));
        p.add(probe("unknown custom method", "POST", "/v1/tenants/acme/realms/prod/groups/g1:nuke", acme, 403));
        p.add(probe("tenant-bound route, unbound token", "GET", "/v1/tenants/acme/realms/prod/applications",
                account, 403));
        p.add(probe("expired", "GET", "/paas/analytics/reports", expired, 401));
        p.add(probe("forged", "GET", "/admin/v1/Users", forged, 401));
        p.add(probe("wrong audience", "GET", "/paas/stack/x", wrongAudience, 401));
        p.add(probe("garbage", "GET", "/paas/stack/x", garbage, 401));
        p.add(probe("method outside the set", "PROPFIND", "/paas/analytics/reports", analytics, 405));
        // Hostile paths: whoever answers, Jetty or the filter, it is a 400 and never the route behind.
        String[] hostile = {"/paas/analytics/..;/../admin/v1/Users", "/paas/analytics/%2e%2e/%2e%2e/admin/v1/Users",
            "/health/..%2fadmin/v1/Users", "/health;/../admin/v1/Users", "/paas/analytics/%252e%252e/x",
            "//admin/v1/Users", "/admin/v1%2fUsers", "/paas/analytics/reports%00.json", "/paas/analytics/%c0%ae/x",
            "/paas/analytics/reports%0d%0aX-Injected:%201", "/paas/analytics/\\..\\admin", "/paas/analytics/./x",
            "/v1/tenants/acme/realms/prod/applications/..;/..;/..;/..;/globex", "/health/%2e"};
        for (String path : hostile) {
            for (String token : new String[] {null, admin, account}) {
                p.add(new Probe("hostile " + path, "GET", path, token, 400, true));
            }
        }
        for (int i = 0; i < DISTINCT_TOKENS; i++) {
            String token = valid(idp).subject("user-" + i).scope(i % 2 == 0
                    ? "urn:opc:resource:consumer:paas:analytics::read" : "applications:read")
                    .tenant("acme").realm("prod").sign();
            p.add(i % 2 == 0 ? probe("distinct " + i, "GET", "/paas/analytics/r/" + i, token, 200)
                    : probe("distinct " + i, "GET", "/v1/tenants/acme/realms/prod/applications/a" + i, token, 200));
        }
        return List.copyOf(p);
    }

    private static TestIssuer.TokenBuilder valid(TestIssuer issuer) {
        return issuer.token().expiresIn(LIFETIME);
    }

    private static Probe probe(String name, String method, String path, String token, int expected) {
        return new Probe(name, method, path, token, expected, false);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
