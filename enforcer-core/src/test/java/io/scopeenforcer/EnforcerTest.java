package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.TestClock;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnforcerTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final TestClock CLOCK = TestClock.at(NOW);
    static final TestIssuer IDP = TestIssuer.create("https://idp.example.test", CLOCK);
    static final String POLICY = String.join("\n",
            "GET      /health                 public",
            "GET,HEAD /paas/{service}/**      urn:opc:resource:consumer:paas:{service}::read",
            "POST,PUT,PATCH,DELETE /paas/{service}/** urn:opc:resource:consumer:paas:{service}::write",
            "*        /admin/v1/**            admin",
            "GET      /me                     authenticated",
            "POST     /v1/tenants/{tenant}/realms/{realm}/groups/{id}:addMembers  groups:update identities:read",
            "include management-api");

    static Enforcer enforcer(boolean caching) {
        TokenVerifier.Builder verifier = TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).clock(CLOCK);
        Enforcer.Builder engine = Enforcer.newBuilder().policy(RoutePolicy.parse(POLICY, "test.policy"));
        if (!caching) {
            verifier.cacheMaxEntries(0);
            engine.decisionCache(false);
        }
        return engine.verifier(verifier.build()).build();
    }

    static final Enforcer CACHED = enforcer(true);
    static final Enforcer UNCACHED = enforcer(false);

    static String token(Function<TestIssuer.TokenBuilder, TestIssuer.TokenBuilder> shape) {
        return shape.apply(IDP.token()).sign();
    }

    static Stream<Arguments> decisions() {
        String paasReader = token(t -> t.scope("urn:opc:resource:consumer:paas::read"));
        String account = token(t -> t.scope("urn:opc:resource:consumer::all"));
        String admin = token(t -> t.scope("urn:opc:idm:__myscopes__"));
        String acme = token(t -> t.scope("applications:read groups:update identities:read").tenant("acme")
                .realm("prod"));
        String acmeAnyRealm = token(t -> t.scope("applications:read").tenant("acme").realm("*"));
        String starTenant = token(t -> t.scope("applications:read").tenant("*").realm("*"));
        String unbound = token(t -> t.scope("applications:read"));
        String expired = token(t -> t.scope("urn:opc:resource:consumer::all").expiresAt(NOW.minusSeconds(61)));
        String foreign = TestIssuer.create("https://idp.example.test", CLOCK).token()
                .scope("urn:opc:resource:consumer::all").sign();
        String groupsOnly = token(t -> t.scope("groups:update").tenant("acme").realm("prod"));
        return Stream.of(
                // method, path, token, status, reason, required scopes
                row("GET", "/health", null, 200, null, ""),
                row("GET", "/health", "garbage", 200, null, ""),
                row("GET", "/paas/analytics/reports", null, 401, Decision.Reason.MISSING_TOKEN,
                        "urn:opc:resource:consumer:paas:analytics::read"),
                row("GET", "/paas/analytics/reports", paasReader, 200, null, ""),
                row("HEAD", "/paas/analytics/reports", paasReader, 200, null, ""),
                row("POST", "/paas/analytics/reports", paasReader, 403, Decision.Reason.INSUFFICIENT_SCOPE,
                        "urn:opc:resource:consumer:paas:analytics::write"),
                row("POST", "/paas/stack/instances", account, 200, null, ""),
                row("GET", "/admin/v1/Users", account, 403, Decision.Reason.CONSUMER_ALL_ON_ADMIN,
                        "urn:opc:idm:__myscopes__"),
                row("GET", "/admin/v1/Users", admin, 200, null, ""),
                row("DELETE", "/admin/v1/Users/u1", paasReader, 403, Decision.Reason.INSUFFICIENT_SCOPE,
                        "urn:opc:idm:__myscopes__"),
                row("GET", "/me", admin, 200, null, ""),
                row("GET", "/me", expired, 401, Decision.Reason.INVALID_TOKEN, ""),
                row("GET", "/me", foreign, 401, Decision.Reason.INVALID_TOKEN, ""),
                row("GET", "/me", "not.a.token", 401, Decision.Reason.INVALID_TOKEN, ""),
                row("GET", "/v1/tenants/acme/realms/prod/applications", acme, 200, null, ""),
                row("GET", "/v1/tenants/acme/realms/prod/applications/a1", acme, 200, null, ""),
                row("POST", "/v1/tenants/acme/realms/prod/applications", acme, 403,
                        Decision.Reason.INSUFFICIENT_SCOPE, "applications:create"),
                row("GET", "/v1/tenants/globex/realms/main/applications", acme, 403, Decision.Reason.TENANT_MISMATCH,
                        "applications:read"),
                row("GET", "/v1/tenants/acme/realms/dev/applications", acme, 403, Decision.Reason.REALM_MISMATCH,
                        "applications:read"),
                row("GET", "/v1/tenants/acme/realms/dev/applications", acmeAnyRealm, 200, null, ""),
                row("GET", "/v1/tenants/acme/realms/dev/applications", starTenant, 403,
                        Decision.Reason.TENANT_MISMATCH, "applications:read"),
                row("GET", "/v1/tenants/acme/realms/prod/applications", unbound, 403, Decision.Reason.TENANT_MISMATCH,
                        "applications:read"),
                // A "*" tenant claim matches no tenant, not even a literal "*" (or "%2a") in the path.
                row("GET", "/v1/tenants/*/realms/*/applications", starTenant, 403,
                        Decision.Reason.TENANT_MISMATCH, "applications:read"),
                row("GET", "/v1/tenants/%2a/realms/%2a/applications", starTenant, 403,
                        Decision.Reason.TENANT_MISMATCH, "applications:read"),
                row("GET", "/v1/tenants/%2A/realms/prod/applications", starTenant, 403,
                        Decision.Reason.TENANT_MISMATCH, "applications:read"),
                row("GET", "/v1/tenants/*/realms/prod/applications/a1", starTenant, 403,
                        Decision.Reason.TENANT_MISMATCH, "applications:read"),
                // A path realm "*" is no realm: the realm claim "*" (every realm of the tenant) does not match it.
                row("GET", "/v1/tenants/acme/realms/*/applications", acmeAnyRealm, 403,
                        Decision.Reason.REALM_MISMATCH, "applications:read"),
                row("GET", "/v1/tenants/acme/realms/%2a/applications", acmeAnyRealm, 403,
                        Decision.Reason.REALM_MISMATCH, "applications:read"),
                // Deeper than two collections below a realm, or a realm inside a realm: no convention rule.
                row("GET", "/v1/tenants/acme/realms/prod/identities/i1/credentials/c1/x", acme, 403,
                        Decision.Reason.NO_RULE, ""),
                row("GET", "/v1/tenants/globex/realms/main/tenants/acme/realms/prod/applications", acme, 403,
                        Decision.Reason.NO_RULE, ""),
                row("POST", "/v1/tenants/acme/realms/prod/groups/g1:addMembers", acme, 200, null, ""),
                row("POST", "/v1/tenants/acme/realms/prod/groups/g1:addMembers", groupsOnly, 403,
                        Decision.Reason.INSUFFICIENT_SCOPE, "groups:update identities:read"),
                row("POST", "/v1/tenants/acme/realms/prod/groups/g1:deleteMembers", acme, 403, Decision.Reason.NO_RULE,
                        ""),
                row("GET", "/unknown", admin, 403, Decision.Reason.NO_RULE, ""),
                row("GET", "/unknown", null, 403, Decision.Reason.NO_RULE, ""),
                row("GET", "/x/..;/admin/v1/Users", admin, 400, Decision.Reason.INVALID_REQUEST, ""),
                row("GET", "/%2e%2e/admin", admin, 400, Decision.Reason.INVALID_REQUEST, ""),
                row("TRACE", "/health", null, 405, Decision.Reason.METHOD_NOT_ALLOWED, ""),
                row("get", "/health", null, 405, Decision.Reason.METHOD_NOT_ALLOWED, ""),
                row("GET", "/paas/analytics/reports?access=1", paasReader, 200, null, ""));
    }

    static Arguments row(String method, String path, String token, int status, Decision.Reason reason,
            String required) {
        return Arguments.of(method, path, token, status, reason, required);
    }

    @ParameterizedTest(name = "[{index}] {0} {1} -> {3} {4}")
    @MethodSource("decisions")
    void decideWhenRequestThenExpectedDecision(String method, String path, String token, int status,
            Decision.Reason reason, String required) {
        for (Enforcer enforcer : List.of(UNCACHED, CACHED, CACHED)) {
            Decision decision = enforcer.decide(Tokens.bearer(token), method, path);
            if (status == 200) {
                assertInstanceOf(Decision.Allow.class, decision, () -> decision.toString());
                continue;
            }
            Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decision);
            assertEquals(reason, deny.reason(), deny::toString);
            assertEquals(status, deny.status());
            assertEquals(required.isEmpty() ? List.of() : List.of(required.split(" ")), deny.requiredScopes());
            if (token != null && token.length() > 20) {
                assertFalse(deny.description().contains(token.substring(0, 20)), deny.description());
            }
        }
    }

    @Test
    void decideWhenAllowedThenCarriesTokenRuleAndVariables() {
        String token = token(t -> t.subject("bob").scope("urn:opc:resource:consumer:paas:stack::all"));
        Decision.Allow allow = (Decision.Allow) CACHED.decide(Tokens.bearer(token), "PUT", "/paas/stack/instances/i1");
        assertEquals("bob", allow.token().subject());
        assertEquals("/paas/{service}/**", allow.rule().pattern());
        assertEquals(Map.of("service", "stack"), allow.variables());
    }

    @Test
    void decideWhenPublicRouteThenNoTokenLookedAt() {
        Decision.Allow allow = (Decision.Allow) CACHED.decide(Tokens.bearer("garbage"), "GET", "/health");
        assertNull(allow.token());
    }

    @Test
    void decideWhenSameTokenTwiceThenSecondFromDecisionCache() {
        Enforcer enforcer = enforcer(true);
        String token = token(t -> t.scope("urn:opc:resource:consumer:paas::read"));
        Decision first = enforcer.decide(Tokens.bearer(token), "GET", "/paas/analytics/a");
        Decision second = enforcer.decide(Tokens.bearer(token), "GET", "/paas/analytics/b");
        assertSame(first, second);
        assertEquals(1, enforcer.stats().decisionCache().hits());
        assertEquals(1, enforcer.stats().decisionCache().misses());
        assertEquals(1, enforcer.stats().tokenCache().hits());
    }

    @Test
    void decideWhenTokenExpiresThenCachedDecisionNotServed() {
        TestClock clock = TestClock.at(NOW);
        TestIssuer idp = TestIssuer.create("https://idp.example.test", clock);
        Enforcer enforcer = Enforcer.newBuilder().policy(RoutePolicy.parse(POLICY, "p"))
                .verifier(TokenVerifier.newBuilder().trust(TrustedIssuer.jwkSet(idp.issuer(), idp.publicJwkSet())
                        .audience(TestIssuer.DEFAULT_AUDIENCE).clockSkew(Duration.ZERO)
                        .build()).clock(clock).build())
                .build();
        String token = idp.token().scope("urn:opc:resource:consumer::all").expiresIn(Duration.ofSeconds(10)).sign();
        assertTrue(enforcer.decide(Tokens.bearer(token), "GET", "/paas/stack/x").allowed());
        clock.advance(Duration.ofSeconds(9));
        assertTrue(enforcer.decide(Tokens.bearer(token), "GET", "/paas/stack/x").allowed());
        clock.advance(Duration.ofSeconds(1));
        Decision.Deny deny = (Decision.Deny) enforcer.decide(Tokens.bearer(token), "GET", "/paas/stack/x");
        assertEquals(Decision.Reason.INVALID_TOKEN, deny.reason());
    }

    @Test
    void decideWhenKeysUnavailableThen503NotInvalidToken() {
        TrustedIssuer unreachable = TrustedIssuer.jwksUri(IDP.issuer(), URI.create("http://127.0.0.1:9/jwks.json"))
                .audience(TestIssuer.DEFAULT_AUDIENCE)
                .jwksConnectTimeout(Duration.ofMillis(200)).jwksReadTimeout(Duration.ofMillis(200)).build();
        Enforcer enforcer = Enforcer.newBuilder().policy(RoutePolicy.parse(POLICY, "p"))
                .verifier(TokenVerifier.newBuilder().trust(unreachable).clock(CLOCK).build()).build();
        Decision.Deny deny = (Decision.Deny) enforcer.decide(Tokens.bearer(token(t -> t.scope("openid"))), "GET", "/me");
        assertEquals(Decision.Reason.KEYS_UNAVAILABLE, deny.reason());
        assertEquals(503, deny.status());
    }

    @Test
    void decideWhenManyVariableValuesThenPerTokenDecisionsBounded() {
        Enforcer enforcer = enforcer(true);
        String token = token(t -> t.scope("applications:read").tenant("acme").realm("prod"));
        for (int i = 0; i < Enforcer.DECISIONS_PER_TOKEN * 3; i++) {
            assertTrue(enforcer.decide(Tokens.bearer(token), "GET", "/v1/tenants/acme/realms/prod/applications/a" + i).allowed());
        }
        assertEquals(Enforcer.DECISIONS_PER_TOKEN * 3, enforcer.stats().decisionCache().misses());
        assertTrue(enforcer.decide(Tokens.bearer(token), "GET", "/v1/tenants/acme/realms/prod/applications/a1").allowed());
        assertEquals(1, enforcer.stats().decisionCache().hits());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/tenants/acme/realms/prod/a:b", "/paas/a:b/x"})
    void decideWhenVariableCannotFormScopeThenDenied(String path) {
        String token = token(t -> t.scope("urn:opc:resource:consumer::all applications:read").tenant("acme")
                .realm("prod"));
        assertFalse(CACHED.decide(Tokens.bearer(token), "GET", path).allowed());
    }

    /** Found by EnforcerFuzzTest: the description quoted a scope filled from a path variable in full (~4 KB). */
    @ParameterizedTest
    @ValueSource(ints = {1, 100, 1000, 4000})
    void decideWhenScopeFilledFromLongPathVariableThenDescriptionShortAndScopeComplete(int length) {
        String token = token(t -> t.scope("applications:read").tenant("acme").realm("prod"));
        String resource = "r".repeat(length);
        for (Enforcer enforcer : List.of(UNCACHED, CACHED)) {
            Decision.Deny deny = assertInstanceOf(Decision.Deny.class,
                    enforcer.decide(Tokens.bearer(token), "PATCH", "/v1/tenants/acme/realms/prod/" + resource + "/x"));
            assertEquals(Decision.Reason.INSUFFICIENT_SCOPE, deny.reason());
            assertEquals(List.of(resource + ":update"), deny.requiredScopes());
            assertTrue(deny.description().length() <= "the token lacks ".length() + Enforcer.MAX_LISTED,
                    deny::description);
            assertTrue(deny.description().startsWith("the token lacks r"), deny::description);
        }
    }

    @Test
    void builderWhenMissingOrRepeatedSettingThenFailsNamingIt() {
        assertEquals("verifier is required",
                assertThrows(IllegalStateException.class, () -> Enforcer.newBuilder().build()).getMessage());
        assertEquals("policy is required", assertThrows(IllegalStateException.class,
                () -> Enforcer.newBuilder().verifier(TokenVerifier.newBuilder().trust(IDP.trustedIssuer()).build())
                        .build()).getMessage());
        RoutePolicy policy = RoutePolicy.parse(POLICY, "test.policy");
        assertEquals("policy was already set", assertThrows(IllegalStateException.class,
                () -> Enforcer.newBuilder().policy(policy).policy(policy)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Enforcer.newBuilder().retryAfter(Duration.ZERO));
        assertEquals("decisionCache was already set", assertThrows(IllegalStateException.class,
                () -> Enforcer.newBuilder().decisionCache(true).decisionCache(false)).getMessage());
        assertThrows(NullPointerException.class, () -> CACHED.decide(null, null, "/"));
    }
}
