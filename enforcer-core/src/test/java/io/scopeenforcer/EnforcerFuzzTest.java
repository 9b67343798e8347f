package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.scopeenforcer.testing.TestClock;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Coverage-guided fuzzing of {@link Enforcer#decide} on the example app's policy (plus an {@code authenticated}
 * route) with fuzzed methods and raw
 * paths, for six tokens: none, garbage, expired, foreign (same issuer name, other key), one with every scope
 * and one with none. Invariants: nothing throws; no 5xx; a fuzzed path is never allowed on a protected rule
 * without a valid token; nothing is allowed that the reference canonicalizer ({@link ReferencePath})
 * rejects; a path it accepts is never a 400; the cached and the uncached engine decide alike; no description
 * echoes the token or carries a character that could break a header.
 *
 * <p>An input is {@code METHOD SP PATH} (without a space: GET and the whole input as the path), read as
 * ISO-8859-1 and again as UTF-8.
 */
class EnforcerFuzzTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final TestClock CLOCK = TestClock.at(NOW);
    static final TestIssuer IDP = TestIssuer.create("https://idp.example.test", CLOCK);
    /**
     * The example app's WEB-INF/policy.txt (docs/architecture.md §12), read from the file ({@link ExamplePolicy}), plus an
     * {@code authenticated} route, which the example app does not have, so that that kind of rule is fuzzed too.
     */
    static final String POLICY = ExamplePolicy.text() + "\nGET      /me                                        authenticated\n";

    static final Enforcer CACHED = enforcer(true);
    static final Enforcer UNCACHED = enforcer(false);

    /** Tokens that may never open a protected route, by name. */
    static final Map<String, String> UNAUTHORIZED = new LinkedHashMap<>();
    static final String ALL_SCOPES;
    static final String NO_SCOPES;

    static {
        UNAUTHORIZED.put("garbage", "garbage");
        UNAUTHORIZED.put("expired", IDP.token().scope("urn:opc:resource:consumer::all urn:opc:idm:__myscopes__")
                .expiresAt(NOW.minus(Duration.ofMinutes(2))).sign());
        UNAUTHORIZED.put("foreign", TestIssuer.create(IDP.issuer(), CLOCK).token()
                .scope("urn:opc:resource:consumer::all urn:opc:idm:__myscopes__").sign());
        ALL_SCOPES = IDP.token().scope("urn:opc:resource:consumer::all urn:opc:idm:__myscopes__ tenants:read "
                + "realms:read applications:read applications:create groups:update identities:read")
                .tenant("acme").realm("*").sign();
        NO_SCOPES = IDP.token().tenant("acme").realm("prod").sign();
    }

    static Enforcer enforcer(boolean caching) {
        TokenVerifier.Builder verifier = TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).clock(CLOCK);
        Enforcer.Builder engine = Enforcer.newBuilder().policy(RoutePolicy.parse(POLICY, "policy.txt"));
        if (!caching) {
            verifier.cacheMaxEntries(0);
            engine.decisionCache(false);
        }
        return engine.verifier(verifier.build()).build();
    }

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"GET ", "HEAD ", "POST ", "DELETE ", "OPTIONS ", "/health", "/paas/analytics/", "/paas/stack/",
            "/admin/v1/", "/v1/tenants/acme/realms/prod/", "applications", "groups/g1:addMembers", "/me", "%2e",
            "%2F", ";", "..", "//", "?", "%00", "%41"})
    void decideWhenFuzzedRequestThenNoProtectedAllowWithoutValidToken(byte[] input) {
        check(new String(input, StandardCharsets.ISO_8859_1));
        check(new String(input, StandardCharsets.UTF_8));
    }

    private static void check(String request) {
        int space = request.indexOf(' ');
        String method = space < 0 ? "GET" : request.substring(0, space);
        String path = space < 0 ? request : request.substring(space + 1);
        int query = path.indexOf('?');
        boolean pathAccepted = ReferencePath.canonicalize(query < 0 ? path : path.substring(0, query)) != null;
        boolean methodAllowed = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS").contains(method);

        Decision anonymous = decideBoth(null, method, path);
        for (Map.Entry<String, String> bad : UNAUTHORIZED.entrySet()) {
            Decision decision = decideBoth(bad.getValue(), method, path);
            if (decision instanceof Decision.Allow allow) {
                assertEquals(Requirement.Kind.PUBLIC, allow.rule().requirement().kind(),
                        () -> bad.getKey() + " token allowed on " + allow.rule() + ": " + describe(method, path));
            }
            assertEquals(anonymous.allowed(), decision.allowed(), () -> bad.getKey() + " token decided otherwise than "
                    + "no token: " + describe(method, path));
        }
        if (anonymous instanceof Decision.Allow allow) {
            assertEquals(Requirement.Kind.PUBLIC, allow.rule().requirement().kind());
        }
        decideBoth(NO_SCOPES, method, path);
        Decision full = decideBoth(ALL_SCOPES, method, path);

        if (!methodAllowed) {
            assertEquals(Decision.Reason.METHOD_NOT_ALLOWED, ((Decision.Deny) full).reason());
        } else if (!pathAccepted) {
            assertEquals(Decision.Reason.INVALID_REQUEST, ((Decision.Deny) full).reason(),
                    () -> "not rejected: " + describe(method, path));
        } else if (full instanceof Decision.Deny deny) {
            assertNotEquals(Decision.Reason.INVALID_REQUEST, deny.reason(),
                    () -> "reference accepts, engine says 400: " + describe(method, path));
        }
    }

    /** Decides with both engines, checks they agree and the decision is well formed, and returns it. */
    private static Decision decideBoth(String token, String method, String path) {
        Decision cached = CACHED.decide(Tokens.bearer(token), method, path);
        Decision uncached = UNCACHED.decide(Tokens.bearer(token), method, path);
        assertEquals(summary(uncached), summary(cached), () -> "cache changed the decision: " + describe(method, path));
        if (cached instanceof Decision.Deny deny) {
            assertTrue(Set.of(400, 401, 403, 405).contains(deny.status()), () -> deny + ": " + describe(method, path));
            assertNotNull(deny.description());
            assertTrue(deny.description().length() <= 200, deny::description);
            for (char c : deny.description().toCharArray()) {
                assertTrue(c >= 0x20 && c < 0x7F && c != '"' && c != '\\', deny::description);
            }
            if (token != null && token.length() > 16) {
                // Unless the fuzzer copied it into the path (Jazzer learns compared strings), no part of the token.
                String tail = token.substring(token.length() - 16);
                assertFalse(deny.description().contains(tail) && !path.contains(tail), deny::description);
            }
        }
        return cached;
    }

    static String summary(Decision d) {
        if (d instanceof Decision.Allow allow) {
            return "allow " + allow.rule() + " " + new java.util.TreeMap<>(allow.variables());
        }
        Decision.Deny deny = (Decision.Deny) d;
        return deny.reason() + " " + deny.status() + " " + deny.requiredScopes() + " " + deny.description();
    }

    static String describe(String method, String path) {
        return ReferencePath.printable(method) + " " + ReferencePath.printable(path);
    }
}
