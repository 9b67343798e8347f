package io.scopeenforcer.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.access.intercept.RequestMatcherDelegatingAuthorizationManager;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The Spring Security 6.5 baseline of docs/architecture.md §13: a resource server as its reference documentation builds one,
 * reduced to the two filters that do the work — {@link BearerTokenAuthenticationFilter} with a
 * {@link JwtAuthenticationProvider} over a {@link NimbusJwtDecoder} on the same public key (validators for what
 * Scope Enforcer checks: typ, iss, aud, exp, nbf), then an {@link AuthorizationFilter} whose
 * {@link RequestMatcherDelegatingAuthorizationManager} holds the example policy as {@code SCOPE_} authorities.
 * URN hierarchy is written out as any-of lists, and the management API's {@code {resource}} scopes and tenant
 * binding as a small {@link AuthorizationManager}, the way a Spring user would have to.
 *
 * <p>Generous to Spring: no {@code FilterChainProxy}, no firewall, no other default filters (headers, CSRF,
 * exception translation, request cache); the {@link SecurityContextHolder} is cleared after each request, as
 * {@code SecurityContextHolderFilter} would. Thread-safe, as Spring's filters are: one instance serves the JMH
 * benchmarks' single thread and every request thread of {@link SpringApp}.
 */
final class SpringResourceServer {

    private static final String URN = "SCOPE_urn:opc:resource:consumer";

    private final BearerTokenAuthenticationFilter bearer;
    private final AuthorizationFilter authorization;

    /**
     * Spring's resource server trusting one issuer key: RS256 for an RSA key, ES256 for an EC (P-256) key, the
     * algorithms the benchmark tokens are signed with; issuer {@link TokenPool#ISSUER}, audience
     * {@link TokenPool#AUDIENCE}.
     */
    SpringResourceServer(JWK publicJwk) {
        NimbusJwtDecoder decoder = decoder(publicJwk);
        // The checks Scope Enforcer makes: typ at+jwt, JWT or none; iss; aud; exp and nbf with 60 s of skew.
        JwtTypeValidator type = new JwtTypeValidator("at+jwt", "application/at+jwt", "JWT");
        type.setAllowEmpty(true);
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(type,
                new JwtIssuerValidator(TokenPool.ISSUER), new JwtAudienceValidator(TokenPool.AUDIENCE)));
        this.bearer = new BearerTokenAuthenticationFilter(new ProviderManager(new JwtAuthenticationProvider(decoder)));
        this.authorization = new AuthorizationFilter(authorizationManager());
    }

    /** Runs one request through both filters to {@code application}, then clears the security context. */
    void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain application)
            throws IOException, ServletException {
        try {
            bearer.doFilter(request, response, (req, res) -> authorization.doFilter(req, res, application));
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /** Exactly what {@code NimbusJwtDecoder.withPublicKey(key).validateType(false)} builds, for RSA and EC keys. */
    private static NimbusJwtDecoder decoder(JWK publicJwk) {
        PublicKey key = Fixtures.publicKey(publicJwk);
        if (key instanceof RSAPublicKey rsa) {
            return NimbusJwtDecoder.withPublicKey(rsa).validateType(false).build();
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier((type, context) -> { });
        processor.setJWSKeySelector(new SingleKeyJWSKeySelector<>(JWSAlgorithm.ES256, key));
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        return new NimbusJwtDecoder(processor);
    }

    /** The example policy (see {@link Fixtures#POLICY}) in Spring's terms, in the same order. */
    private static AuthorizationManager<HttpServletRequest> authorizationManager() {
        PathPatternRequestMatcher.Builder m = PathPatternRequestMatcher.withDefaults();
        AuthorizationManager<RequestAuthorizationContext> permit = (a, c) -> new AuthorizationDecision(true);
        RequestMatcherDelegatingAuthorizationManager.Builder b = RequestMatcherDelegatingAuthorizationManager.builder()
                .add(m.matcher(HttpMethod.GET, "/health"), permit)
                .add(m.matcher(HttpMethod.GET, "/.well-known/jwks.json"), permit)
                .add(m.matcher(HttpMethod.GET, "/.well-known/oauth-authorization-server"), permit)
                .add(m.matcher(HttpMethod.POST, "/oauth2/v1/token"), permit);
        for (String service : new String[] {"analytics", "stack"}) {
            String pattern = "/paas/" + service + "/**";
            b.add(m.matcher(HttpMethod.GET, pattern), consumer(service, "read"));
            b.add(m.matcher(HttpMethod.HEAD, pattern), consumer(service, "read"));
            for (HttpMethod write : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
                    HttpMethod.DELETE}) {
                b.add(m.matcher(write, pattern), consumer(service, "write"));
            }
        }
        b.add(m.matcher("/admin/v1/**"), AuthorityAuthorizationManager.hasAuthority("SCOPE_urn:opc:idm:__myscopes__"));
        String realm = "/v1/tenants/{tenant}/realms/{realm}";
        b.add(m.matcher(HttpMethod.POST, realm + "/groups/{id}:addMembers"), bound("groups:update", "identities:read"));
        b.add(m.matcher(HttpMethod.POST, realm + "/groups/{id}:deleteMembers"), bound("groups:update", "identities:read"));
        b.add(m.matcher(HttpMethod.GET, realm + "/groups/{id}:listMembers"), bound("groups:read", "identities:read"));
        // The management-API convention (docs/architecture.md §8.4), one matcher per method as Spring needs them.
        b.add(m.matcher(HttpMethod.GET, "/v1/tenants/{tenant}"), bound("tenants:read"));
        b.add(m.matcher(HttpMethod.PATCH, "/v1/tenants/{tenant}"), bound("tenants:update"));
        b.add(m.matcher(HttpMethod.GET, "/v1/tenants/{tenant}/realms"), bound("realms:read"));
        b.add(m.matcher(HttpMethod.POST, "/v1/tenants/{tenant}/realms"), bound("realms:create"));
        b.add(m.matcher(HttpMethod.GET, realm), bound("realms:read"));
        b.add(m.matcher(HttpMethod.PATCH, realm), bound("realms:update"));
        b.add(m.matcher(HttpMethod.DELETE, realm), bound("realms:delete"));
        for (String parent : new String[] {realm, realm + "/{parent}/{parentId}",
                realm + "/{parent}/{parentId}/{child}/{childId}"}) {
            String collection = parent + "/{resource}";
            String item = collection + "/{id}";
            b.add(m.matcher(HttpMethod.GET, collection), bound("{resource}:read"));
            b.add(m.matcher(HttpMethod.HEAD, collection), bound("{resource}:read"));
            b.add(m.matcher(HttpMethod.POST, collection), bound("{resource}:create"));
            b.add(m.matcher(HttpMethod.GET, item), bound("{resource}:read"));
            b.add(m.matcher(HttpMethod.HEAD, item), bound("{resource}:read"));
            b.add(m.matcher(HttpMethod.PATCH, item), bound("{resource}:update"));
            b.add(m.matcher(HttpMethod.PUT, item), bound("{resource}:update"));
            b.add(m.matcher(HttpMethod.DELETE, item), bound("{resource}:delete"));
        }
        return b.build();
    }

    /** docs/architecture.md §5 for one service: the scope itself, its {@code ::all}, the parent's, and account-wide. */
    private static AuthorizationManager<RequestAuthorizationContext> consumer(String service, String action) {
        return AuthorityAuthorizationManager.hasAnyAuthority(
                URN + ":paas:" + service + "::" + action, URN + ":paas:" + service + "::all",
                URN + ":paas::" + action, URN + ":paas::all", URN + "::all");
    }

    private static AuthorizationManager<RequestAuthorizationContext> bound(String... scopes) {
        return new TenantBoundScopes(scopes);
    }

    /**
     * All of {@code scopes} (with {@code {resource}} filled from the path) as {@code SCOPE_} authorities, and the
     * token's {@code bi_t}/{@code bi_r} equal to the path's tenant and realm ({@code bi_r} may be {@code *}).
     */
    private static final class TenantBoundScopes implements AuthorizationManager<RequestAuthorizationContext> {
        private final String[] scopes;

        TenantBoundScopes(String[] scopes) {
            this.scopes = scopes;
        }

        @Override
        public AuthorizationDecision check(Supplier<Authentication> authentication, RequestAuthorizationContext context) {
            if (!(authentication.get() instanceof JwtAuthenticationToken jwt)) {
                return new AuthorizationDecision(false);
            }
            Map<String, String> variables = context.getVariables();
            String tenant = variables.get("tenant");
            String realm = variables.get("realm");
            String tokenRealm = jwt.getToken().getClaimAsString("bi_r");
            if (tenant == null || !tenant.equals(jwt.getToken().getClaimAsString("bi_t"))
                    || (realm != null && !(realm.equals(tokenRealm) || "*".equals(tokenRealm)))) {
                return new AuthorizationDecision(false);
            }
            for (String scope : scopes) {
                String required = "SCOPE_" + scope.replace("{resource}", variables.getOrDefault("resource", ""));
                boolean found = false;
                for (GrantedAuthority granted : jwt.getAuthorities()) {
                    if (required.equals(granted.getAuthority())) {
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    return new AuthorizationDecision(false);
                }
            }
            return new AuthorizationDecision(true);
        }
    }
}
