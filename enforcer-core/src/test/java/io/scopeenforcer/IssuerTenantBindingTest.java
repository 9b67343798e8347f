package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tenant binding by an issuer template's {@code iss} (docs/architecture.md §8.5): the tenant and realm in the
 * token's {@code iss} against the route's and the tenant and realm claims. Every concrete issuer's keys are the same
 * set here (the JWKS server answers the filled JWKS URI of every tenant alike), so a token of tenant A's issuer
 * verifies wherever it is sent: only the binding can refuse it on tenant B's routes, whatever its claim says.
 */
class IssuerTenantBindingTest {

    private static JwksServer keys;
    private static TestIssuer idp;
    private static Enforcer cached;
    private static Enforcer uncached;

    @BeforeAll
    static void start() {
        idp = TestIssuer.create("unused");
        keys = JwksServer.start(idp.rsa().publicJwkSet());
        cached = enforcer(true);
        uncached = enforcer(false);
    }

    @AfterAll
    static void stop() {
        keys.close();
    }

    private static Enforcer enforcer(boolean caching) {
        TrustedIssuer template = TrustedIssuer.issuerTemplate(iss("{tenant}", "{realm}"))
                .jwksUriTemplate(keys.base("/keys/{tenant}/jwks.json")).audience(TestIssuer.DEFAULT_AUDIENCE)
                .jwksReadTimeout(Duration.ofSeconds(5)).build();
        TokenVerifier.Builder verifier = TokenVerifier.newBuilder().trust(template);
        Enforcer.Builder engine = Enforcer.newBuilder().policy(RoutePolicy.parse(EnforcerTest.POLICY, "test.policy"));
        if (!caching) {
            verifier.cacheMaxEntries(0);
            engine.decisionCache(false);
        }
        return engine.verifier(verifier.build()).build();
    }

    private static String iss(String tenant, String realm) {
        return keys.base("/v1/tenants/" + tenant + "/realms/" + realm + "/applications/*").replace("*", "app1");
    }

    private static Arguments row(String path, String issTenant, String issRealm, UnaryOperator<TestIssuer.TokenBuilder>
            claims, int status, Decision.Reason reason, String description) {
        return Arguments.of(path, issTenant, issRealm, claims, status, reason, description);
    }

    static Stream<Arguments> bindings() {
        String acmeApps = "/v1/tenants/acme/realms/prod/applications";
        String globexApps = "/v1/tenants/globex/realms/main/applications";
        UnaryOperator<TestIssuer.TokenBuilder> none = t -> t;
        String otherTenant = "the token's issuer is another tenant's";
        String otherRealm = "the token's issuer is another realm's";
        return Stream.of(
                // path, tenant and realm in iss, claims, status, reason, description
                row(acmeApps, "acme", "prod", t -> t.tenant("acme").realm("prod"), 200, null, null),
                row(acmeApps, "acme", "prod", none, 200, null, null),
                row(acmeApps, "acme", "prod", t -> t.tenant("acme"), 200, null, null),
                row(acmeApps, "acme", "prod", t -> t.realm("*"), 200, null, null),
                row("/v1/tenants/acme", "acme", "prod", none, 200, null, null),
                // the case: tenant A's issuer, tenant B's claim, tenant B's route
                row(globexApps, "acme", "prod", t -> t.tenant("globex").realm("main"), 403,
                        Decision.Reason.TENANT_MISMATCH, otherTenant),
                row(globexApps, "acme", "prod", t -> t.tenant("acme").realm("prod"), 403,
                        Decision.Reason.TENANT_MISMATCH, otherTenant),
                row(globexApps, "acme", "prod", none, 403, Decision.Reason.TENANT_MISMATCH, otherTenant),
                row("/v1/tenants/globex", "acme", "prod", t -> t.tenant("globex"), 403,
                        Decision.Reason.TENANT_MISMATCH, otherTenant),
                row("/v1/tenants/ACME/realms/prod/applications", "acme", "prod", none, 403,
                        Decision.Reason.TENANT_MISMATCH, otherTenant),
                row(acmeApps, "ACME", "prod", none, 403, Decision.Reason.TENANT_MISMATCH, otherTenant),
                // a tenant claim beside the iss must still match, as without a template
                row(acmeApps, "acme", "prod", t -> t.tenant("globex"), 403, Decision.Reason.TENANT_MISMATCH,
                        "the token is bound to another tenant"),
                row(acmeApps, "acme", "prod", t -> t.tenant("*"), 403, Decision.Reason.TENANT_MISMATCH,
                        "the token is bound to another tenant"),
                // the realm in iss is one realm: never a wildcard, never another
                row("/v1/tenants/acme/realms/dev/applications", "acme", "prod", t -> t.tenant("acme").realm("*"),
                        403, Decision.Reason.REALM_MISMATCH, otherRealm),
                row("/v1/tenants/acme/realms/*/applications", "acme", "prod", none, 403,
                        Decision.Reason.REALM_MISMATCH, otherRealm),
                row(acmeApps, "acme", "prod", t -> t.realm("dev"), 403, Decision.Reason.REALM_MISMATCH,
                        "the token is bound to another realm"),
                // routes without {tenant} are not bound by the issuer either
                row("/me", "acme", "prod", none, 200, null, null));
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void decideWhenIssuerTemplateTokenThenBoundByTheTenantInItsIss(String path, String issTenant, String issRealm,
            UnaryOperator<TestIssuer.TokenBuilder> claims, int status, Decision.Reason reason, String description) {
        String token = claims.apply(idp.token().issuer(iss(issTenant, issRealm))
                .scope("applications:read tenants:read")).sign();
        for (Enforcer engine : new Enforcer[] {cached, uncached, cached}) {
            Decision decision = engine.decide("Bearer " + token, "GET", path);

            if (status == 200) {
                assertEquals(Decision.Allow.class, decision.getClass(), decision::toString);
            } else {
                Decision.Deny deny = (Decision.Deny) decision;
                assertEquals(status, deny.status());
                assertEquals(reason, deny.reason());
                assertEquals(description, deny.description());
            }
        }
    }
}
