package io.scopeenforcer.integration.boot3;

import static io.scopeenforcer.integration.boot3.Http.CHALLENGE;
import static io.scopeenforcer.integration.boot3.Http.ISSUER;
import static io.scopeenforcer.integration.boot3.Http.RESOURCE;
import static io.scopeenforcer.integration.boot3.Http.assertDenial;
import static io.scopeenforcer.integration.boot3.Http.insufficientScope;
import static io.scopeenforcer.integration.boot3.Http.invalidToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSObject;
import io.scopeenforcer.integration.boot3.Http.Reply;
import io.scopeenforcer.servlet.ScopeEnforcementFilter;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.security.core.SpringSecurityCoreVersion;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The filter inside a Spring Boot 3.5 application on embedded Tomcat, keys from a real JWKS endpoint
 * ({@code jwks-uri}), with the Nimbus that Spring Security 6.5 brings (9.37.4), over real HTTP: allow, the
 * RFC 6750 401 and 403 answers with RFC 9457 bodies, and the RFC 9728 metadata.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringBoot3FilterTest {

    private static final TestIssuer IDP = TestIssuer.create(ISSUER);
    /** Another issuer's keys under the same name, for a forged signature. */
    private static final TestIssuer FORGER = TestIssuer.create(ISSUER);
    private static final JwksServer JWKS = JwksServer.start(IDP.publicJwkSet());

    @LocalServerPort
    private int port;

    @Autowired
    private ApplicationContext context;

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        registry.add(ScopeEnforcerApplication.PROPERTY_PREFIX + "jwks-uri", () -> JWKS.uri().toString());
    }

    @AfterAll
    static void stopJwks() {
        JWKS.close();
    }

    @Test
    void classPathWhenSpringBoot35ThenNimbus9374FromSpringSecurity65() {
        assertEquals("9.37.4", JWSObject.class.getPackage().getImplementationVersion());
        String jar = JWSObject.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        assertTrue(jar.endsWith("/nimbus-jose-jwt-9.37.4.jar"), jar);
        assertEquals("3.5.7", SpringBootVersion.getVersion());
        assertTrue(SpringSecurityCoreVersion.getVersion().startsWith("6.5."), SpringSecurityCoreVersion.getVersion());
        assertTrue(ServerInfo.getServerNumber().startsWith("10.1."), ServerInfo.getServerNumber());
    }

    @Test
    void contextWhenStartedThenFilterFirstAndNoSpringSecurityFilterChain() {
        FilterRegistrationBean<?> registration = context.getBean(FilterRegistrationBean.class);
        assertTrue(registration.getFilter() instanceof ScopeEnforcementFilter);
        assertEquals(Ordered.HIGHEST_PRECEDENCE, registration.getOrder());
        // Spring Security's filter chain and generated user are excluded: nothing asks for a login on a request
        // the filter allowed, and no password is made or logged.
        assertFalse(context.containsBean("springSecurityFilterChain"));
        assertEquals(0, context.getBeanNamesForType(UserDetailsService.class).length);
        assertEquals(200, Http.send(port, "GET", "/me", IDP.token().sign()).status());
        assertTrue(JWKS.fetches() > 0, "the keys came from the JWKS endpoint (jwks-uri)");
    }

    static Stream<Arguments> allowed() {
        return Stream.of(
                Arguments.of("orders:read on GET /orders", "GET", "/orders", IDP.token().scope("orders:read").sign(),
                        200, Map.of("principal", "alice", "authType", "Bearer", "ordersReader", true, "issuer", ISSUER,
                                "scopes", "orders:read", "orders", List.of("o-1", "o-2"))),
                Arguments.of("orders:write on POST /orders", "POST", "/orders",
                        IDP.token().subject("bob").scope("orders:write").sign(), 201, Map.of("principal", "bob",
                                "authType", "Bearer", "ordersReader", false, "issuer", ISSUER, "scopes",
                                "orders:write", "order", "o-3")),
                Arguments.of("EC key, client credentials without sub", "GET", "/me",
                        IDP.token().signedWith(IDP.ec()).noSubject().clientId("batch-job").sign(), 200,
                        Map.of("principal", "batch-job", "authType", "Bearer", "ordersReader", false, "issuer",
                                ISSUER, "scopes", "")),
                Arguments.of("Ed25519 key (alg EdDSA)", "GET", "/orders",
                        IDP.token().signedWith(IDP.ed25519()).scope("orders:read orders:write").sign(), 200,
                        Map.of("principal", "alice", "authType", "Bearer", "ordersReader", true, "issuer", ISSUER,
                                "scopes", "orders:read orders:write", "orders", List.of("o-1", "o-2"))),
                Arguments.of("public route, no token", "GET", "/health", null, 200, Map.of("status", "up")),
                Arguments.of("public route, a bad token is not looked at", "GET", "/health", "not-a-token", 200,
                        Map.of("status", "up")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowed")
    void requestWhenAllowedThenControllerSeesTheFilterPrincipal(String name, String method, String path, String token,
            int status, Map<String, Object> body) {
        Reply reply = Http.send(port, method, path, token);
        assertEquals(status, reply.status(), reply::body);
        assertEquals(body, reply.json());
        assertEquals(null, reply.challenge());
    }

    static Stream<Arguments> denied() {
        String lacks = "the token lacks ";
        String forged = FORGER.token().keyId(IDP.rsa().kid()).scope("orders:read").sign();
        String expired = IDP.token().now(Instant.now().minus(Duration.ofHours(1))).scope("orders:read").sign();
        String reader = IDP.token().scope("orders:read").sign();
        return Stream.of(
                // RFC 6750 §3.1: no credentials, so a bare challenge without error.
                Arguments.of("no token", "GET", "/orders", null, 401, CHALLENGE, "a bearer token is required", null,
                        List.of("orders:read")),
                Arguments.of("bad signature", "GET", "/orders", forged, 401,
                        invalidToken("the token signature is invalid"), "the token signature is invalid",
                        "invalid_token", null),
                Arguments.of("not a JWS", "GET", "/orders", "garbage-token-0123456789", 401,
                        invalidToken("the token is not a compact JWS"), "the token is not a compact JWS",
                        "invalid_token", null),
                Arguments.of("expired", "GET", "/orders", expired, 401, invalidToken("the token has expired"),
                        "the token has expired", "invalid_token", null),
                Arguments.of("wrong audience", "GET", "/orders",
                        IDP.token().audience("https://other.example.test").scope("orders:read").sign(), 401,
                        invalidToken("the token is not intended for this resource server"),
                        "the token is not intended for this resource server", "invalid_token", null),
                // RFC 6750 §3.1: insufficient_scope names the scope, in the challenge and in the body.
                Arguments.of("read scope on a write", "POST", "/orders", reader, 403,
                        insufficientScope(lacks + "orders:write", "orders:write"), lacks + "orders:write",
                        "insufficient_scope", List.of("orders:write")),
                Arguments.of("no scope at all", "GET", "/orders", IDP.token().sign(), 403,
                        insufficientScope(lacks + "orders:read", "orders:read"), lacks + "orders:read",
                        "insufficient_scope", List.of("orders:read")),
                // No rule: deny by default, no challenge (no token can fix it).
                Arguments.of("no rule", "GET", "/admin", reader, 403, null, "no policy rule allows this request",
                        null, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("denied")
    void requestWhenDeniedThenRfc6750ChallengeAndProblemBody(String name, String method, String path, String token,
            int status, String challenge, String detail, String error, List<String> requiredScopes) {
        Reply reply = Http.send(port, method, path, token);
        assertDenial(reply, status, challenge, detail, error, requiredScopes, token);
    }

    @Test
    void metadataWhenRequestedThenRfc9728Document() {
        Reply reply = Http.send(port, "GET", ScopeEnforcementFilter.METADATA_PATH, null);
        assertEquals(200, reply.status(), reply::body);
        assertTrue(reply.contentType().startsWith("application/json"), reply.contentType());
        assertEquals(Map.of("resource", RESOURCE, "authorization_servers", List.of(ISSUER), "scopes_supported",
                List.of("orders:read", "orders:write"), "bearer_methods_supported", List.of("header")), reply.json());
    }
}
