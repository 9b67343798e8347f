package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.TestClock;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many threads decide a mixed stream of tokens and requests through one caching {@link Enforcer} (token cache,
 * negative cache and decision cache, sized small enough to evict all the time); every decision must equal
 * the one a fresh enforcer with every cache off gives for the same input. Then the clock passes the tokens'
 * {@code exp}, and the same stream must be denied as the uncached enforcer denies it: no stale cache hit.
 */
class EnforcerConcurrencyTest {

    private static final int THREADS = 8;
    private static final int REQUESTS_PER_THREAD = 2_000;

    private static final String POLICY = """
            GET                   /health                 public
            GET,HEAD              /paas/{service}/**      urn:opc:resource:consumer:paas:{service}::read
            POST,PUT,PATCH,DELETE /paas/{service}/**      urn:opc:resource:consumer:paas:{service}::write
            *                     /admin/v1/**            admin
            GET                   /me                     authenticated
            include management-api
            """;

    private static final TestClock CLOCK = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test", CLOCK);
    private static final TestIssuer FORGER = TestIssuer.create("https://idp.example.test", CLOCK);

    /** What is compared: the kind of decision, reason, status, required scopes, description, rule, subject. */
    record Outcome(boolean allowed, Decision.Reason reason, int status, List<String> requiredScopes,
            String description, Rule rule, String subject) {
        static Outcome of(Decision decision) {
            if (decision instanceof Decision.Allow allow) {
                return new Outcome(true, null, 200, List.of(), null, allow.rule(),
                        allow.token() == null ? null : allow.token().subject());
            }
            Decision.Deny deny = (Decision.Deny) decision;
            return new Outcome(false, deny.reason(), deny.status(), deny.requiredScopes(), deny.description(),
                    deny.rule(), null);
        }
    }

    record Call(String token, String method, String path) {
        @Override
        public String toString() {
            return method + " " + path + " token#" + (token == null ? "none" : Integer.toHexString(token.hashCode()));
        }
    }

    private static Map<String, String> tokens() {
        Map<String, String> tokens = new LinkedHashMap<>();
        String lng = "PT1H";
        tokens.put("analytics reader", IDP.token().scope("urn:opc:resource:consumer:paas:analytics::read").sign());
        tokens.put("paas reader", IDP.token().scope("urn:opc:resource:consumer:paas::read").sign());
        tokens.put("stack operator, long-lived", IDP.token().scope("urn:opc:resource:consumer:paas:stack::all")
                .expiresIn(Duration.parse(lng)).sign());
        tokens.put("consumer::all", IDP.token().scope("urn:opc:resource:consumer::all").sign());
        tokens.put("admin, EC key", IDP.token().signedWith(IDP.ec()).scope("urn:opc:idm:__myscopes__").sign());
        tokens.put("acme prod console", IDP.token().scope("applications:read applications:create tenants:read")
                .tenant("acme").realm("prod").sign());
        tokens.put("acme auditor, any realm, long-lived", IDP.token().scope("applications:read").tenant("acme")
                .realm("*").expiresIn(Duration.parse(lng)).sign());
        tokens.put("globex console", IDP.token().scope("applications:read").tenant("globex").realm("main").sign());
        tokens.put("no tenant", IDP.token().scope("applications:read").sign());
        tokens.put("no scope", IDP.token().subject("nobody").sign());
        tokens.put("expired", IDP.token().now(CLOCK.instant().minus(Duration.ofHours(1)))
                .scope("urn:opc:resource:consumer::all").sign());
        tokens.put("not yet valid", IDP.token().notBefore(CLOCK.instant().plus(Duration.ofMinutes(10)))
                .scope("urn:opc:resource:consumer::all").sign());
        tokens.put("bad signature", FORGER.token().keyId(IDP.rsa().kid()).scope("urn:opc:resource:consumer::all")
                .sign());
        tokens.put("wrong audience", IDP.token().audience("https://other.example.test")
                .scope("urn:opc:resource:consumer::all").sign());
        tokens.put("wrong issuer", IDP.token().issuer("https://evil.example.test")
                .scope("urn:opc:resource:consumer::all").sign());
        tokens.put("garbage", "garbage.token.value");
        // Many distinct valid tokens, so that the small caches evict while other threads read.
        for (int i = 0; i < 60; i++) {
            tokens.put("distinct " + i, IDP.token().subject("user-" + i)
                    .scope(i % 2 == 0 ? "urn:opc:resource:consumer:paas:analytics::read" : "applications:read")
                    .tenant(i % 3 == 0 ? "acme" : "globex").realm("prod").sign());
        }
        return tokens;
    }

    private static final String[][] REQUESTS = {
            {"GET", "/paas/analytics/reports"}, {"HEAD", "/paas/analytics/reports"}, {"POST", "/paas/analytics/x"},
            {"GET", "/paas/stack/vm/1"}, {"DELETE", "/paas/stack/vm/1"}, {"GET", "/admin/v1/Users"},
            {"PATCH", "/admin/v1/Groups/g1"}, {"GET", "/me"}, {"GET", "/health"},
            {"GET", "/v1/tenants/acme/realms/prod/applications"}, {"POST", "/v1/tenants/acme/realms/prod/applications"},
            {"GET", "/v1/tenants/acme/realms/dev/applications/a1"}, {"GET", "/v1/tenants/globex/realms/main/applications"},
            {"GET", "/v1/tenants/acme"}, {"GET", "/v1/tenants/acme/realms/prod/groups/g1:addMembers"},
            {"GET", "/nowhere"}, {"GET", "/paas/analytics/../stack/x"}, {"GET", "/paas/%2e%2e/x"},
            {"TRACE", "/paas/analytics/reports"}, {"get", "/me"}};

    private static Enforcer enforcer(RoutePolicy policy, boolean cached) {
        TokenVerifier.Builder verifier = TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).clock(CLOCK);
        Enforcer.Builder engine = Enforcer.newBuilder().policy(policy);
        if (cached) {
            verifier.cacheMaxEntries(32);
            engine.decisionCache(true); // bounded by the 32-entry token cache, whose entries hold them
        } else {
            verifier.cacheMaxEntries(0);
            engine.decisionCache(false);
        }
        return engine.verifier(verifier.build()).build();
    }

    @Test
    void decideWhenManyThreadsWithCachesThenSameAsWithoutCaches() throws Exception {
        RoutePolicy policy = RoutePolicy.parse(POLICY, "policy.txt");
        List<Call> calls = new ArrayList<>();
        Map<String, String> tokens = tokens();
        List<String> tokenValues = new ArrayList<>(tokens.values());
        tokenValues.add(null);
        for (String token : tokenValues) {
            for (String[] request : REQUESTS) {
                calls.add(new Call(token, request[0], request[1]));
            }
        }
        Enforcer cached = enforcer(policy, true);

        String reader = tokens.get("analytics reader");
        assertTrue(cached.decide(Tokens.bearer(reader), "GET", "/paas/analytics/reports").allowed());
        assertSameDecisions(cached, enforcer(policy, false), calls, "before exp");
        // Past the 5-minute tokens' exp and the 60 s skew: cached allows must turn into EXPIRED denials.
        CLOCK.advance(Duration.ofMinutes(7));
        assertSameDecisions(cached, enforcer(policy, false), calls, "after exp");
        Decision late = cached.decide(Tokens.bearer(reader), "GET", "/paas/analytics/reports");
        assertEquals(Decision.Reason.INVALID_TOKEN, ((Decision.Deny) late).reason(), late::toString);
        assertTrue(cached.decide(Tokens.bearer(tokens.get("stack operator, long-lived")), "GET", "/paas/stack/vm/1").allowed());

        assertTrue(cached.stats().tokenCache().hits() > 0, () -> "the token cache was used: " + cached.stats().tokenCache());
        assertTrue(cached.stats().decisionCache().hits() > 0, () -> "the decision cache was used: " + cached.stats().decisionCache());
    }

    private static void assertSameDecisions(Enforcer cached, Enforcer uncached, List<Call> calls, String phase)
            throws Exception {
        Map<Call, Outcome> expected = new LinkedHashMap<>();
        for (Call call : calls) {
            expected.put(call, Outcome.of(uncached.decide(Tokens.bearer(call.token()), call.method(), call.path())));
        }
        assertTrue(expected.values().stream().anyMatch(Outcome::allowed), "the stream has allows");
        assertTrue(expected.values().stream().anyMatch(o -> !o.allowed()), "the stream has denials");

        ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(31L * t + phase.hashCode());
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                        Call call = calls.get(random.nextInt(calls.size()));
                        Outcome actual = Outcome.of(cached.decide(Tokens.bearer(call.token()), call.method(), call.path()));
                        if (!actual.equals(expected.get(call)) && mismatches.size() < 10) {
                            mismatches.add(call + ": cached " + actual + " vs uncached " + expected.get(call));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), List.copyOf(mismatches), phase);
    }
}
