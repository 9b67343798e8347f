package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenCacheStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

/**
 * Soak over real HTTP against the example app itself: started in this JVM as {@code java -jar} would start
 * it (its {@code web.xml}, {@code WEB-INF/policy.txt} and demo servlets), trusting a test issuer whose keys a
 * real JWKS endpoint serves. Many client threads send a bounded number of requests, a mix of valid, expired,
 * forged, wrong-audience, wrong-scope, wrong-tenant, missing and garbage tokens on good and hostile paths.
 * Every answer is compared with what the test expects for what it sent, written down by hand from docs/architecture.md §4
 * and §12 and the demo data, not asked of the engine: who answered (the app behind an allow, the filter's
 * denial, or for hostile paths the filter or Jetty, never the app) and the exact status. Afterwards: no 5xx,
 * no wrong answer, the token, failure and decision caches never above their configured sizes, and used heap
 * after GC back within a bound of where it started.
 *
 * <p>CI runs {@value #DEFAULT_REQUESTS} requests; {@code -Dsoak.requests=1000000} runs longer (SECURITY.md).
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
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Who wrote an answer. */
    enum Source {
        /** A demo servlet (or Jetty's default servlet): the filter let the request through. */
        APP,
        /** The filter's denial: its RFC 9457 problem names a {@code reason}, which the app's problems never do. */
        FILTER,
        /** Jetty itself, before the filter ran (a request line it refuses). */
        SERVER
    }

    /** What the test expects: the exact status, and who may write it. */
    record Expect(int status, List<Source> from) {
        static Expect allow(int status) {
            return new Expect(status, List.of(Source.APP));
        }

        static Expect deny(int status) {
            return new Expect(status, List.of(Source.FILTER));
        }

        /** A hostile path: 400 whoever refuses it, Jetty or the filter; never the route behind it. */
        static Expect refused() {
            return new Expect(400, List.of(Source.FILTER, Source.SERVER));
        }

        boolean matches(Answer answer) {
            return answer.status() == status && from.contains(answer.source());
        }

        @Override
        public String toString() {
            return status + " from " + from;
        }
    }

    /** An answer: its status and who wrote it. */
    record Answer(int status, Source source) {
        @Override
        public String toString() {
            return status + " from " + source;
        }
    }

    /**
     * One request the test knows the answer to. {@code body} is sent with {@code contentType}; {@code raw}
     * requests go over a plain socket, byte for byte.
     */
    record Probe(String name, String method, String path, String token, String contentType, String body,
            Expect expected, boolean raw) {
        /** Never the token (docs/architecture.md §14.6): the name says which one it is. */
        @Override
        public String toString() {
            return name + ": " + method + " " + path + " expecting " + expected;
        }
    }

    @Test
    void soakWhenManyThreadsMixedTokensAndHostilePathsThenNoWrongAnswerAndBoundedCachesAndHeap() throws Exception {
        int requests = Integer.getInteger("soak.requests", DEFAULT_REQUESTS);
        TestIssuer idp = TestIssuer.create("https://idp.example.test");
        TestIssuer forger = TestIssuer.create("https://idp.example.test");
        try (JwksServer jwks = JwksServer.start(idp.publicJwkSet());
             ExampleApp.Running app = ExampleApp.start("--port=0", "--issuer=" + idp.issuer(),
                     "--jwks-uri=" + jwks.uri(), "--audience=" + TestIssuer.DEFAULT_AUDIENCE,
                     "--cache-max-entries=" + CACHE_MAX)) {
            Client client = new Client(app.baseUri());
            List<Probe> probes = probes(idp, forger);
            // Warm-up: one pass over the table, single-threaded, so a wrong row fails with a readable message;
            // then what the soak leaves out because it would change the demo data for the rows after it.
            for (Probe probe : probes.subList(0, probes.size() - DISTINCT_TOKENS + 10)) {
                assertExpected(probe, client.send(probe));
            }
            for (Probe probe : once(idp)) {
                assertExpected(probe, client.send(probe));
            }
            long heapBefore = usedHeapAfterGc();
            Result result = run(app, client, probes, requests);
            long heapAfter = usedHeapAfterGc();

            assertEquals(List.of(), result.wrong, "wrong answers (first 10)");
            assertEquals(0, result.statuses.keySet().stream().filter(s -> s >= 500).count(),
                    () -> "5xx: " + result.statuses);
            assertEquals(requests, result.statuses.values().stream().mapToInt(AtomicInteger::get).sum());
            ScopeEnforcementFilter.Stats stats = app.filter().stats();
            TokenCacheStats tokens = stats.tokenCache();
            assertTrue(result.peakTokens.get() <= CACHE_MAX + 2L * THREADS,
                    () -> "token cache peaked at " + result.peakTokens + " (Caffeine evicts asynchronously)");
            assertTrue(tokens.size() <= CACHE_MAX, () -> "token cache: " + tokens);
            assertTrue(tokens.negativeSize() <= Math.max(1, CACHE_MAX / 10), () -> "failure cache: " + tokens);
            // Decisions live in the token cache's entries, so the token cache's bound is theirs too.
            assertTrue(tokens.evictions() > 0, () -> "the token cache never had to evict: " + tokens);
            assertTrue(heapAfter <= heapBefore + HEAP_SLACK_BYTES,
                    () -> "heap after GC grew from " + heapBefore / 1024 + " KiB to " + heapAfter / 1024 + " KiB");
            System.out.printf("soak: %d requests in %d ms by %d threads; statuses %s; sources %s; filter allowed %d,"
                            + " denied %s; %s; %s; heap %d -> %d KiB%n",
                    requests, result.millis, THREADS, new TreeMap<>(result.statuses), new TreeMap<>(result.sources),
                    stats.allowed(), new TreeMap<>(stats.deniedByReason()), tokens, stats.decisionCache(),
                    heapBefore / 1024, heapAfter / 1024);
        }
    }

    private static void assertExpected(Probe probe, Answer answer) {
        assertTrue(probe.expected().matches(answer), () -> probe + ", got " + answer);
    }

    /** What a run saw. */
    private record Result(Map<Integer, AtomicInteger> statuses, Map<Source, AtomicInteger> sources,
            List<String> wrong, AtomicLong peakTokens, long millis) {
    }

    private static Result run(ExampleApp.Running app, Client client, List<Probe> probes, int requests)
            throws Exception {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<Source, AtomicInteger> sources = new ConcurrentHashMap<>();
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
                        Answer answer = client.send(probe);
                        statuses.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
                        sources.computeIfAbsent(answer.source(), s -> new AtomicInteger()).incrementAndGet();
                        if (!probe.expected().matches(answer) && wrong.size() < 10) {
                            wrong.add(probe + " -> " + answer);
                        }
                        if ((next.get() & 63) == 0) {
                            peak.accumulateAndGet(app.filter().stats().tokenCache().size(), Math::max);
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
        return new Result(statuses, sources, List.copyOf(wrong), peak,
                Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    /**
     * The table: each token with requests whose decision follows from docs/architecture.md §4 and the example policy, and
     * whose status behind an allow follows from the demo data (DemoData: ids are numbered per servlet store);
     * hostile paths; and last, {@value #DISTINCT_TOKENS} distinct valid tokens, more than the cache holds.
     * Nothing in it changes the demo data: writes that pass the filter are idempotent or refused by the app
     * (an unknown id, a body that is not JSON), so every row has one answer in any order, and a long soak
     * does not grow the store.
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
        String prod = "/v1/tenants/acme/realms/prod";

        List<Probe> p = new ArrayList<>();
        p.add(probe("health, no token", "GET", "/health", null, Expect.allow(200)));
        p.add(probe("health, garbage token", "GET", "/health", garbage, Expect.allow(200)));
        p.add(probe("no rule", "GET", "/nowhere", admin, Expect.deny(403)));
        p.add(probe("no token", "GET", "/paas/analytics/reports", null, Expect.deny(401)));
        p.add(probe("analytics reads", "GET", "/paas/analytics/reports", analytics, Expect.allow(200)));
        p.add(probe("analytics HEAD", "HEAD", "/paas/analytics/reports", analytics, Expect.allow(200)));
        p.add(probe("analytics cannot write", "POST", "/paas/analytics/reports", analytics, Expect.deny(403)));
        p.add(probe("analytics cannot read stack", "GET", "/paas/stack/instances/inst-3", analytics,
                Expect.deny(403)));
        p.add(probe("unknown service", "GET", "/paas/other/x", account, Expect.deny(403)));
        p.add(probe("stack::all deletes (no such instance)", "DELETE", "/paas/stack/instances/inst-999", stack,
                Expect.allow(404)));
        p.add(probe("stack::all reads", "GET", "/paas/stack/instances/inst-3", stack, Expect.allow(200)));
        p.add(probe("consumer::all reads", "GET", "/paas/analytics/reports/rpt-1", account, Expect.allow(200)));
        p.add(probe("consumer::all never opens admin", "GET", "/admin/v1/Users", account, Expect.deny(403)));
        p.add(probe("admin", "GET", "/admin/v1/Users", admin, Expect.allow(200)));
        p.add(probe("admin, any method (no such group)", "DELETE", "/admin/v1/Groups/grp-999", admin,
                Expect.allow(404)));
        p.add(probe("acme lists", "GET", prod + "/applications", acme, Expect.allow(200)));
        p.add(new Probe("acme creates (the app refuses text/plain)", "POST", prod + "/applications", acme,
                "text/plain", "soak", Expect.allow(415), false));
        p.add(probe("acme cannot delete", "DELETE", prod + "/applications/app-1", acme, Expect.deny(403)));
        p.add(probe("acme in globex", "GET", "/v1/tenants/globex/realms/main/applications", acme, Expect.deny(403)));
        p.add(probe("acme in dev", "GET", "/v1/tenants/acme/realms/dev/applications", acme, Expect.deny(403)));
        // grp-6 is acme/prod's "admins", whose member idn-3 already is: adding it again changes nothing.
        p.add(new Probe("acme custom method", "POST", prod + "/groups/grp-6:addMembers", acme, "application/json",
                "{\"members\":[\"idn-3\"]}", Expect.allow(200), false));
        p.add(probe("unknown custom method", "POST", prod + "/groups/grp-6:nuke", acme, Expect.deny(403)));
        p.add(probe("tenant-bound route, unbound token", "GET", prod + "/applications", account, Expect.deny(403)));
        p.add(probe("expired", "GET", "/paas/analytics/reports", expired, Expect.deny(401)));
        p.add(probe("forged", "GET", "/admin/v1/Users", forged, Expect.deny(401)));
        p.add(probe("wrong audience", "GET", "/paas/stack/instances", wrongAudience, Expect.deny(401)));
        p.add(probe("garbage", "GET", "/paas/stack/instances", garbage, Expect.deny(401)));
        p.add(probe("method outside the set", "PROPFIND", "/paas/analytics/reports", analytics, Expect.deny(405)));
        String[] hostile = {"/paas/analytics/..;/../admin/v1/Users", "/paas/analytics/%2e%2e/%2e%2e/admin/v1/Users",
            "/health/..%2fadmin/v1/Users", "/health;/../admin/v1/Users", "/paas/analytics/%252e%252e/x",
            "//admin/v1/Users", "/admin/v1%2fUsers", "/paas/analytics/reports%00.json", "/paas/analytics/%c0%ae/x",
            "/paas/analytics/reports%0d%0aX-Injected:%201", "/paas/analytics/\\..\\admin", "/paas/analytics/./x",
            "/v1/tenants/acme/realms/prod/applications/..;/..;/..;/..;/globex", "/health/%2e"};
        for (String path : hostile) {
            for (String token : new String[] {null, admin, account}) {
                p.add(new Probe("hostile " + path, "GET", path, token, null, null, Expect.refused(), true));
            }
        }
        for (int i = 0; i < DISTINCT_TOKENS; i++) {
            String token = valid(idp).subject("user-" + i).scope(i % 2 == 0
                    ? "urn:opc:resource:consumer:paas:analytics::read" : "applications:read")
                    .tenant("acme").realm("prod").sign();
            // Seeded items: rpt-1 and rpt-2 (PaaS store), app-1 and app-2 (acme/prod).
            p.add(i % 2 == 0
                    ? probe("distinct " + i, "GET", "/paas/analytics/reports/rpt-" + (1 + i / 2 % 2), token,
                            Expect.allow(200))
                    : probe("distinct " + i, "GET", prod + "/applications/app-" + (1 + i / 2 % 2), token,
                            Expect.allow(200)));
        }
        return List.copyOf(p);
    }

    /** Run once, in the warm-up: a create that passes the filter and reaches the app, which makes the item. */
    private static List<Probe> once(TestIssuer idp) {
        String acme = valid(idp).scope("applications:create").tenant("acme").realm("prod").sign();
        return List.of(new Probe("acme creates", "POST", "/v1/tenants/acme/realms/prod/applications", acme,
                "application/json", "{\"name\":\"soak\"}", Expect.allow(201), false));
    }

    private static TestIssuer.TokenBuilder valid(TestIssuer issuer) {
        return issuer.token().expiresIn(LIFETIME);
    }

    private static Probe probe(String name, String method, String path, String token, Expect expected) {
        return new Probe(name, method, path, token, null, null, expected, false);
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

    /**
     * The app's answer to a probe: through {@link HttpClient}, or for hostile request lines, which the client
     * would normalize or refuse, written byte for byte to a fresh socket. Thread-safe.
     */
    private static final class Client {

        private final URI base;
        private final HttpClient http;

        Client(URI base) {
            this.base = base;
            this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        }

        Answer send(Probe probe) {
            return probe.raw() ? raw(probe) : viaClient(probe);
        }

        private Answer viaClient(Probe probe) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + probe.path())).timeout(TIMEOUT);
            if (probe.token() != null) {
                b.header("Authorization", "Bearer " + probe.token());
            }
            if (probe.contentType() != null) {
                b.header("Content-Type", probe.contentType());
            }
            b.method(probe.method(), probe.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(probe.body()));
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return new Answer(r.statusCode(), source(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
                        r.body()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Status 0 when the server closed the connection without answering. */
        private Answer raw(Probe probe) {
            StringBuilder request = new StringBuilder(probe.method()).append(' ').append(probe.path())
                    .append(" HTTP/1.1\r\nHost: ").append(base.getAuthority()).append("\r\n");
            if (probe.token() != null) {
                request.append("Authorization: Bearer ").append(probe.token()).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            String text;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), (int) TIMEOUT.toMillis());
                socket.setSoTimeout((int) TIMEOUT.toMillis());
                OutputStream out = socket.getOutputStream();
                out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                try {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        received.write(buffer, 0, n);
                    }
                } catch (SocketTimeoutException | SocketException e) {
                    // reset or stalled after the answer: keep what arrived
                }
                text = received.toString(StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (text.isEmpty()) {
                return new Answer(0, Source.SERVER);
            }
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + 4);
            String[] lines = head.split("\r\n");
            String contentType = null;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && lines[i].substring(0, colon).strip().equalsIgnoreCase("Content-Type")) {
                    contentType = lines[i].substring(colon + 1).strip();
                }
            }
            int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
            return new Answer(status, source(status, contentType, body));
        }

        /**
         * The filter writes every denial as {@code application/problem+json} with a {@code reason} member
         * (Responses.problem); the container's errors are ProblemErrorHandler's fixed problem for the status; the
         * demo servlets write JSON, and their problems have no {@code reason}; anything else is the server's.
         */
        private static Source source(int status, String contentType, String body) {
            String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            if (type.startsWith("application/problem+json") && body.contains("\"reason\":\"")) {
                return Source.FILTER;
            }
            if (type.startsWith("application/problem+json")
                    && body.equals(new String(ProblemErrorHandler.body(status), StandardCharsets.UTF_8))) {
                return Source.SERVER;
            }
            if (type.startsWith("application/json") || type.startsWith("application/problem+json")) {
                return Source.APP;
            }
            return Source.SERVER;
        }
    }
}
