package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.TestClock;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential test of the caches: a random stream (fixed seed) of tokens, methods and raw paths, hostile ones
 * among them, goes through an {@link Enforcer} with its default caches (verified tokens, failures, decisions)
 * and through one with every cache off, on a {@link TestClock} that ticks forward between requests: across
 * staggered {@code exp}, {@code exp} plus the skew to the millisecond, {@code nbf} coming due, the negative
 * cache's 5 s and the decision cache. Every decision must be the same: class, reason, status, required scopes,
 * description, rule and subject.
 *
 * <p>{@link EnforcerConcurrencyTest} compares the same two engines under contention at two fixed instants;
 * this one walks the clock through every instant where a cached answer could go stale.
 */
class EnforcerDifferentialTest {

    private static final int ITEMS = 5_000;
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(60);

    private static final String POLICY = """
            GET      /health                      public
            GET      /paas/{service}/**           urn:opc:resource:consumer:paas:{service}::read
            POST,PUT,PATCH,DELETE /paas/{service}/** urn:opc:resource:consumer:paas:{service}::write
            *        /admin/v1/**                 admin
            GET      /me                          authenticated
            POST     /v1/tenants/{tenant}/realms/{realm}/groups/{id}:addMembers  groups:update identities:read
            include management-api
            """;

    private static final String[] METHODS = {"GET", "GET", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
        "TRACE", "get", "CONNECT"};
    private static final String[] ROUTES = {"/health", "/me", "/paas/analytics/reports", "/paas/stack/vm/{id}",
        "/paas/{svc}/x", "/admin/v1/Users", "/admin/v1/Groups/{id}", "/v1/tenants/{t}",
        "/v1/tenants/{t}/realms", "/v1/tenants/{t}/realms/{r}", "/v1/tenants/{t}/realms/{r}/applications",
        "/v1/tenants/{t}/realms/{r}/applications/{id}", "/v1/tenants/{t}/realms/{r}/identities/{id}/credentials/{id}",
        "/v1/tenants/{t}/realms/{r}/groups/{id}:addMembers", "/v1/tenants/{t}/realms/{r}/groups/{id}:nuke",
        "/v1/tenants/{t}/realms/{r}/{svc}", "/nowhere", "/"};
    private static final String[] TENANTS = {"acme", "globex", "*", "ACME", "acme%20", "ac%6de"};
    private static final String[] REALMS = {"prod", "dev", "main", "*"};
    private static final String[] IDS = {"a1", "g1", "x:y", "%41", "1234567890"};
    private static final String[] SERVICES = {"analytics", "stack", "other", "a:b", "r".repeat(300)};
    /** Spliced into paths: each one is rejected (or decoded) by the firewall. */
    private static final String[] HOSTILE = {"/..", "/.", "/%2e%2e", "/%2E", "//", ";x=1", "/..;", "%2F", "%5C", "\\",
        "%25", "%00", "%0d%0a", "\u00e9", "%c0%ae", "\uff0e", "?access_token=x", "?x=1", "#frag", "%", "%zz", "/"};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {20261128L, 7L})
    void decideWhenRandomStreamThroughCachedAndUncachedThenSameDecisions(long seed) {
        TestClock clock = TestClock.at(START);
        TestIssuer idp = TestIssuer.create("https://idp.example.test", clock);
        TestIssuer forger = TestIssuer.create("https://idp.example.test", clock);
        RoutePolicy policy = RoutePolicy.parse(POLICY, "policy.txt");
        Enforcer cached = Enforcer.newBuilder().policy(policy)
                .verifier(TokenVerifier.newBuilder().trust(idp.trustedIssuer()).clock(clock).build()).build();
        Enforcer uncached = Enforcer.newBuilder().policy(policy).decisionCache(false)
                .verifier(TokenVerifier.newBuilder().trust(idp.trustedIssuer()).clock(clock).cacheMaxEntries(0).build())
                .build();
        Random random = new Random(seed);
        List<Token> tokens = tokens(idp, forger, random);

        Map<Decision.Reason, Integer> reasons = new EnumMap<>(Decision.Reason.class);
        int allows = 0;
        for (int i = 0; i < ITEMS; i++) {
            tick(clock, random, tokens);
            Token token = random.nextInt(12) == 0 ? null : tokens.get(random.nextInt(tokens.size()));
            boolean home = token != null && token.home() != null && random.nextBoolean();
            String method = home ? token.home()[0] : METHODS[random.nextInt(METHODS.length)];
            String path = home ? token.home()[1] : path(random);
            String value = token == null ? null : token.value();
            Outcome expected = Outcome.of(uncached.decide(Tokens.bearer(value), method, path));
            Outcome actual = Outcome.of(cached.decide(Tokens.bearer(value), method, path));
            int item = i;
            assertEquals(expected, actual, () -> "item " + item + " at " + clock.instant() + ": " + method + " "
                    + path + " with " + (token == null ? "no token" : token.name()));
            if (expected.allowed()) {
                allows++;
            } else {
                reasons.merge(expected.reason(), 1, Integer::sum);
            }
        }
        // The stream is worth something only if it reached every kind of answer the caches could get wrong.
        assertTrue(allows > ITEMS / 10, "allows: " + allows);
        for (Decision.Reason reason : List.of(Decision.Reason.INVALID_TOKEN, Decision.Reason.INSUFFICIENT_SCOPE,
                Decision.Reason.TENANT_MISMATCH, Decision.Reason.REALM_MISMATCH, Decision.Reason.MISSING_TOKEN,
                Decision.Reason.INVALID_REQUEST, Decision.Reason.NO_RULE, Decision.Reason.METHOD_NOT_ALLOWED,
                Decision.Reason.CONSUMER_ALL_ON_ADMIN)) {
            assertTrue(reasons.getOrDefault(reason, 0) > 0, () -> "no " + reason + " in " + reasons);
        }
        assertTrue(clock.instant().isAfter(START.plus(Duration.ofMinutes(20))), "the clock passed every exp");
        assertTrue(cached.stats().tokenCache().hits() > ITEMS / 10, () -> "token cache: " + cached.stats().tokenCache());
        assertTrue(cached.stats().tokenCache().negativeHits() > 0, () -> "negative cache: " + cached.stats().tokenCache());
        assertTrue(cached.stats().decisionCache().hits() > ITEMS / 10, () -> "decision cache: " + cached.stats().decisionCache());
    }

    /**
     * A named token, the instants where its answer changes (exp plus skew, nbf minus skew), and a request its
     * scopes are meant for (method, path), or null: half the time the stream sends that, so that allows are many.
     */
    record Token(String name, String value, List<Instant> edges, String[] home) {
        Token(String name, String value, List<Instant> edges) {
            this(name, value, edges, null);
        }
    }

    private static List<Token> tokens(TestIssuer idp, TestIssuer forger, Random random) {
        List<Token> out = new ArrayList<>();
        String[] scopes = {"urn:opc:resource:consumer:paas:analytics::read", "urn:opc:resource:consumer:paas::read",
            "urn:opc:resource:consumer:paas:stack::all", "urn:opc:resource:consumer::all", "urn:opc:idm:__myscopes__",
            "applications:read applications:create tenants:read realms:read groups:update identities:read", "openid"};
        for (int i = 0; i < 28; i++) {
            // Expiring one after another across the stream's 25 minutes; the last four live on past its end.
            Instant exp = START.plusSeconds(i < 24 ? 30 + 60L * i : 3600);
            String scope = scopes[i % scopes.length];
            TestIssuer.TokenBuilder b = idp.token().subject("user-" + i).scope(scope).expiresAt(exp);
            if (i % 3 == 0) {
                b.tenant("acme").realm(i % 2 == 0 ? "prod" : "*");
            } else if (i % 3 == 1) {
                b.tenant("globex").realm("main");
            }
            if (i % 5 == 0) {
                b.signedWith(idp.ec());
            }
            String[] home = switch (i % scopes.length) {
                case 0 -> new String[] {"GET", "/paas/analytics/reports"};
                case 1 -> new String[] {"HEAD", "/paas/stack/vm/1"};
                case 2 -> new String[] {"DELETE", "/paas/stack/vm/1"};
                case 3 -> new String[] {"POST", "/paas/analytics/x"};
                case 4 -> new String[] {"PATCH", "/admin/v1/Users/u1"};
                case 5 -> new String[] {"GET", "/v1/tenants/acme/realms/prod/applications"};
                default -> new String[] {"GET", "/me"};
            };
            out.add(new Token("valid #" + i + " " + scope, b.sign(), List.of(exp.plus(SKEW)), home));
        }
        Instant nbf = START.plusSeconds(200);
        out.add(new Token("not yet valid", idp.token().scope("urn:opc:resource:consumer::all").notBefore(nbf)
                .expiresAt(START.plusSeconds(900)).sign(), List.of(nbf.minus(SKEW), START.plusSeconds(900).plus(SKEW)),
                new String[] {"GET", "/paas/stack/x"}));
        Instant iat = START.plusSeconds(400);
        out.add(new Token("issued in the future", idp.token().scope("openid").issuedAt(iat)
                .expiresAt(START.plusSeconds(1000)).sign(), List.of(iat.minus(SKEW)), new String[] {"GET", "/me"}));
        out.add(new Token("expired", idp.token().scope("urn:opc:resource:consumer::all")
                .expiresAt(START.minusSeconds(61)).sign(), List.of()));
        out.add(new Token("forged", forger.token().keyId(idp.rsa().kid()).scope("urn:opc:resource:consumer::all")
                .sign(), List.of()));
        out.add(new Token("wrong audience", idp.token().audience("https://other.example.test").sign(), List.of()));
        out.add(new Token("wrong issuer", idp.token().issuer("https://evil.example.test").sign(), List.of()));
        out.add(new Token("alg none", idp.token().algorithm("none").unsigned().sign(), List.of()));
        out.add(new Token("unknown kid", idp.token().keyId("gone").sign(), List.of()));
        out.add(new Token("garbage", "garbage.token.value", List.of()));
        out.add(new Token("too large", "A".repeat(17_000), List.of()));
        String good = out.get(3).value();
        for (int i = 0; i < 6; i++) {
            char[] chars = good.toCharArray();
            int at = random.nextInt(chars.length);
            chars[at] = chars[at] == 'A' ? 'B' : 'A';
            out.add(new Token("mutated at " + at, new String(chars), List.of()));
        }
        return out;
    }

    /**
     * Mostly small random steps; now and then straight to a near edge of some token, a millisecond either side
     * (one within 90 s: the clock must not leap past the rest of the stream).
     */
    private static void tick(TestClock clock, Random random, List<Token> tokens) {
        if (random.nextInt(40) == 0) {
            Token t = tokens.get(random.nextInt(tokens.size()));
            for (Instant edge : t.edges()) {
                Instant target = edge.plusMillis(random.nextInt(3) - 1);
                if (target.isAfter(clock.instant()) && target.isBefore(clock.instant().plusSeconds(90))) {
                    clock.set(target);
                    return;
                }
            }
        }
        clock.advance(Duration.ofMillis(random.nextInt(600)));
    }

    private static String path(Random random) {
        String route = ROUTES[random.nextInt(ROUTES.length)];
        StringBuilder path = new StringBuilder(route
                .replace("{t}", TENANTS[random.nextInt(TENANTS.length)])
                .replace("{r}", REALMS[random.nextInt(REALMS.length)])
                .replace("{svc}", SERVICES[random.nextInt(SERVICES.length)])
                .replaceFirst("\\{id}", IDS[random.nextInt(IDS.length)])
                .replace("{id}", IDS[random.nextInt(IDS.length)]));
        if (random.nextInt(4) == 0) {
            path.insert(random.nextInt(path.length() + 1), HOSTILE[random.nextInt(HOSTILE.length)]);
        }
        if (random.nextInt(10) == 0) {
            path.append('/');
        }
        return path.toString();
    }

    /** Everything compared. */
    record Outcome(boolean allowed, Decision.Reason reason, int status, List<String> requiredScopes,
            String description, String rule, String subject, Map<String, String> variables) {
        static Outcome of(Decision decision) {
            if (decision instanceof Decision.Allow allow) {
                return new Outcome(true, null, 200, List.of(), null, allow.rule().toString(),
                        allow.token() == null ? null : allow.token().subject(), allow.variables());
            }
            Decision.Deny deny = (Decision.Deny) decision;
            return new Outcome(false, deny.reason(), deny.status(), deny.requiredScopes(), deny.description(),
                    deny.rule() == null ? null : deny.rule().toString(), null, Map.of());
        }
    }
}
