package io.scopeenforcer.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.scopeenforcer.Enforcer;
import io.scopeenforcer.RoutePolicy;
import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;

/** What the benchmarks share: the policy, the request stream, and the three contenders built on one key. */
final class Fixtures {

    /**
     * The example app's route policy (example-app {@code WEB-INF/policy.txt}, docs/architecture.md §12), copied so that this
     * module does not depend on the app.
     */
    static final String POLICY = """
            GET      /health                                    public
            GET      /.well-known/jwks.json                     public
            GET      /.well-known/oauth-authorization-server    public
            POST     /oauth2/v1/token                           public
            GET                   /paas/analytics/**    urn:opc:resource:consumer:paas:analytics::read
            POST,PUT,PATCH,DELETE /paas/analytics/**    urn:opc:resource:consumer:paas:analytics::write
            GET                   /paas/stack/**        urn:opc:resource:consumer:paas:stack::read
            POST,PUT,PATCH,DELETE /paas/stack/**        urn:opc:resource:consumer:paas:stack::write
            *        /admin/v1/**                               admin
            POST     /v1/tenants/{tenant}/realms/{realm}/groups/{id}:addMembers     groups:update identities:read
            POST     /v1/tenants/{tenant}/realms/{realm}/groups/{id}:deleteMembers  groups:update identities:read
            GET      /v1/tenants/{tenant}/realms/{realm}/groups/{id}:listMembers    groups:read identities:read
            include management-api
            """;

    /**
     * The request stream, {method, path}: a URN-scope route and management-API routes with tenant binding and
     * {@code {resource}} scopes. Every {@link TokenPool} token is allowed on each of them.
     */
    static final List<String[]> ROUTES = List.of(
            new String[] {"GET", "/paas/analytics/reports/42"},
            new String[] {"GET", "/v1/tenants/acme/realms/prod/applications/app-7"},
            new String[] {"POST", "/paas/stack/deployments"},
            new String[] {"GET", "/v1/tenants/acme/realms/prod/groups"});

    private Fixtures() {
    }

    /** The engine on the example policy, default settings (token cache of 10,000, decision cache on). */
    static Enforcer enforcer(TokenPool pool) {
        return enforcer(pool.trustedIssuer(), policy());
    }

    /** A new engine, with empty caches, for an issuer and a policy built before. */
    static Enforcer enforcer(TrustedIssuer issuer, RoutePolicy policy) {
        return Enforcer.newBuilder()
                .verifier(TokenVerifier.newBuilder().trust(issuer).build())
                .policy(policy)
                .build();
    }

    /** The example policy. */
    static RoutePolicy policy() {
        return RoutePolicy.parse(POLICY, "policy.txt");
    }

    /** The filter as the example app registers it, built in code. */
    static ScopeEnforcementFilter filter(Enforcer enforcer) {
        return ScopeEnforcementFilter.newBuilder().enforcer(enforcer).build();
    }

    /** Request {@code i} of the stream: token {@code i}, route {@code i mod 4}. */
    static StubRequest[] requests(List<String> tokens) {
        StubRequest[] out = new StubRequest[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            String[] route = ROUTES.get(i % ROUTES.size());
            out[i] = new StubRequest(route[0], route[1], tokens.get(i));
        }
        return out;
    }

    /** A public JWK (RSA or EC) as a JCA key. */
    static PublicKey publicKey(JWK jwk) {
        try {
            return jwk instanceof RSAKey rsa ? rsa.toRSAPublicKey() : ((ECKey) jwk).toECPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Nimbus alone, the physical floor of a first-seen token: parse, {@code typ}, signature with the key already
     * in JCA form (no JWK lookup), and the claims a resource server must check (iss, aud, exp, nbf).
     */
    static DefaultJWTProcessor<SecurityContext> nimbus(TokenPool pool) {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        p.setJWSKeySelector(new SingleKeyJWSKeySelector<>(JWSAlgorithm.parse(pool.algorithm()), publicKey(pool.publicJwk())));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(TokenPool.AUDIENCE,
                new JWTClaimsSet.Builder().issuer(TokenPool.ISSUER).build(), Set.of("exp")));
        return p;
    }
}
