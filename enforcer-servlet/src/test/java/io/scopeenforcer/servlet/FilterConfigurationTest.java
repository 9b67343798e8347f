package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.testing.TestIssuer;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configuration as a web app gives it (docs/architecture.md §11): init-params, then context params, then system properties;
 * bad values fail {@code init()} with a message naming the parameter; RFC 9728 metadata.
 */
class FilterConfigurationTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP);

    /** A {@code <filter>} element's init-params, with no servlet context (policy and keys are files). */
    record MapConfig(Map<String, String> params) implements FilterConfig {
        @Override
        public String getFilterName() {
            return "scope-enforcer";
        }

        @Override
        public ServletContext getServletContext() {
            return null;
        }

        @Override
        public String getInitParameter(String name) {
            return params.get(name);
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.enumeration(params.keySet());
        }
    }

    private static Map<String, String> goodParams() {
        return HARNESS.params();
    }

    private static Path file(String name, String text) {
        try {
            return Files.writeString(HARNESS.dir().resolve(name), text, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Stream<Arguments> badParameters() {
        return Stream.of(
                bad("missing issuer", p -> p.remove("issuer"), "issuer"),
                bad("blank issuer", p -> p.put("issuer", "  "), "issuer"),
                bad("missing audience", p -> p.remove("audience"), "audience"),
                bad("audience of commas", p -> p.put("audience", " , ,"), "audience"),
                bad("missing policy", p -> p.remove("policy"), "policy"),
                bad("both jwks-uri and jwks-file", p -> p.put("jwks-file", file("keys.json",
                        IDP.publicJwkSet().toString()).toString()), "jwks-file"),
                // Neither jwks-uri nor jwks-file: discovery, whose issuer must be a URL to fetch metadata from.
                bad("discovery issuer not a URL", p -> {
                    p.remove("jwks-uri");
                    p.put("issuer", "idp");
                }, "issuer"),
                bad("discovery issuer plain http off loopback", p -> {
                    p.remove("jwks-uri");
                    p.put("issuer", "http://idp.example.test");
                }, "issuer"),
                bad("introspection-client-id without an endpoint", p -> p.put("introspection-client-id", "rs"),
                        "introspection-client-id"),
                bad("introspection-cache-ttl without an endpoint", p -> p.put("introspection-cache-ttl", "PT10S"),
                        "introspection-cache-ttl"),
                bad("introspection-cache-ttl zero", p -> {
                    p.put("introspection-endpoint", "https://idp.example.test/introspect");
                    p.put("introspection-client-id", "rs");
                    p.put("introspection-client-secret", "rs-secret");
                    p.put("introspection-cache-ttl", "PT0S");
                }, "introspection-cache-ttl"),
                bad("introspection-endpoint without credentials", p -> p.put("introspection-endpoint",
                        "https://idp.example.test/introspect"), "introspection-endpoint"),
                bad("introspection-endpoint plain http off loopback", p -> {
                    p.put("introspection-endpoint", "http://idp.example.test/introspect");
                    p.put("introspection-client-id", "rs");
                    p.put("introspection-client-secret", "rs-secret");
                }, "introspection-endpoint"),
                bad("jwks-uri not http", p -> p.put("jwks-uri", "ftp://idp.example.test/jwks"), "jwks-uri"),
                bad("jwks-uri not a URI", p -> p.put("jwks-uri", "http://idp example/jwks"), "jwks-uri"),
                bad("jwks-uri plain http off loopback", p -> p.put("jwks-uri", "http://idp.example.test/jwks"),
                        "jwks-uri"),
                bad("jwks-file missing", p -> {
                    p.remove("jwks-uri");
                    p.put("jwks-file", HARNESS.dir().resolve("no-such-keys.json").toString());
                }, "jwks-file"),
                bad("jwks-file not a JWK set", p -> {
                    p.remove("jwks-uri");
                    p.put("jwks-file", file("garbage.json", "{not json").toString());
                }, "jwks-file"),
                bad("bad mode", p -> p.put("mode", "strict"), "mode"),
                bad("clock-skew not a duration", p -> p.put("clock-skew", "soon"), "clock-skew"),
                bad("clock-skew too large", p -> p.put("clock-skew", "3600"), "clock-skew"),
                bad("clock-skew negative", p -> p.put("clock-skew", "PT-5S"), "clock-skew"),
                bad("policy with a syntax error", p -> p.put("policy", file("broken-policy.txt",
                        "# comment\nGET /health public\nGET /x\n").toString()), "broken-policy.txt:3"),
                bad("policy with an unknown method", p -> p.put("policy", file("method-policy.txt",
                        "FETCH /x public\n").toString()), "method-policy.txt:1"),
                bad("policy with an unknown include", p -> p.put("policy", file("include-policy.txt",
                        "include everything\n").toString()), "include-policy.txt:1"),
                bad("policy file missing", p -> p.put("policy", HARNESS.dir().resolve("no-such-policy.txt").toString()),
                        "policy"),
                bad("policy class-path resource missing", p -> p.put("policy", "classpath:no/such/policy.txt"),
                        "policy"),
                bad("algorithms with none", p -> p.put("algorithms", "RS256,none"), "algorithms"),
                bad("algorithms unknown", p -> p.put("algorithms", "RS1"), "algorithms"),
                bad("algorithms HMAC without a secret", p -> p.put("algorithms", "HS256"), "algorithms"),
                bad("cache-max-entries not a number", p -> p.put("cache-max-entries", "many"), "cache-max-entries"),
                bad("cache-max-entries negative", p -> p.put("cache-max-entries", "-1"), "cache-max-entries"),
                bad("cache-max-ttl zero", p -> p.put("cache-max-ttl", "0"), "cache-max-ttl"),
                bad("max-token-length zero", p -> p.put("max-token-length", "0"), "max-token-length"),
                bad("retry-after zero", p -> p.put("retry-after", "0"), "retry-after"),
                bad("retry-after not a number", p -> p.put("retry-after", "soon"), "retry-after"),
                bad("resource-metadata relative", p -> p.put("resource-metadata", "api/v1"), "resource-metadata"),
                bad("resource-metadata with a query", p -> p.put("resource-metadata", "https://api.example.test/?a=b"),
                        "resource-metadata"),
                bad("strict-token-type not boolean", p -> p.put("strict-token-type", "yes"), "strict-token-type"),
                bad("scope-claims of commas", p -> p.put("scope-claims", ",,"), "scope-claims"),
                bad("dpop-origin with a path", p -> p.put("dpop-origin", "https://api.example.test/v1"), "dpop-origin"),
                bad("dpop-origin not http", p -> p.put("dpop-origin", "ftp://api.example.test"), "dpop-origin"),
                bad("dpop-algorithms HMAC", p -> {
                    p.put("dpop-origin", "https://api.example.test");
                    p.put("dpop-algorithms", "ES256,HS256");
                }, "dpop-algorithms"),
                bad("dpop-proof-window over 10 minutes", p -> {
                    p.put("dpop-origin", "https://api.example.test");
                    p.put("dpop-proof-window", "PT11M");
                }, "dpop-proof-window"),
                bad("dpop-proof-window without dpop-origin", p -> p.put("dpop-proof-window", "30"),
                        "needs dpop-origin (DPoP is off)"),
                bad("dpop-replay-cache-max-entries zero", p -> {
                    p.put("dpop-origin", "https://api.example.test");
                    p.put("dpop-replay-cache-max-entries", "0");
                }, "dpop-replay-cache-max-entries"),
                bad("dpop-nonce unknown", p -> {
                    p.put("dpop-origin", "https://api.example.test");
                    p.put("dpop-nonce", "sometimes");
                }, "parameter dpop-nonce: not off or required: 'sometimes'"),
                bad("dpop-nonce without dpop-origin", p -> p.put("dpop-nonce", "required"),
                        "parameter dpop-nonce: needs dpop-origin (DPoP is off)"),
                bad("dpop-nonce-lifetime without dpop-nonce", p -> {
                    p.put("dpop-origin", "https://api.example.test");
                    p.put("dpop-nonce-lifetime", "60");
                }, "parameter dpop-nonce-lifetime: needs dpop-nonce=required"),
                bad("dpop-nonce-lifetime zero", p -> {
                    p.put("dpop-origin", "https://api.example.test");
                    p.put("dpop-nonce", "required");
                    p.put("dpop-nonce-lifetime", "0");
                }, "parameter dpop-nonce-lifetime: the nonce lifetime must be between 1 second and 1 day, got PT0S"),
                // The message gives the length, never the secret.
                bad("dpop-nonce-secret too short", p -> {
                    p.put("dpop-origin", "https://api.example.test");
                    p.put("dpop-nonce", "required");
                    p.put("dpop-nonce-secret", "short-secret-xyz");
                }, "parameter dpop-nonce-secret: nonceSecret must be at least 32 bytes, got 16"),
                bad("sender-constrained unknown", p -> p.put("sender-constrained", "always"), "sender-constrained"),
                bad("a sender-constrained=dpop rule without dpop-origin", p -> p.put("policy", file("dpop-rule.txt",
                        "GET /me authenticated\nGET /keys sender-constrained=dpop authenticated\n").toString()),
                        "parameter policy: dpop-rule.txt:2: sender-constrained=dpop needs dpop-origin (DPoP is off)"),
                bad("a misspelt rule modifier", p -> p.put("policy", file("typo-rule.txt",
                        "GET /keys sender-constraint a:read\n").toString()),
                        "typo-rule.txt:1: unknown rule modifier 'sender-constraint'"),
                bad("sender-constrained dpop without dpop-origin", p -> p.put("sender-constrained", "dpop"),
                        "senderConstraint DPOP needs dpop settings"),
                bad("client-certificate-header not a name", p -> p.put("client-certificate-header", "X Cert"),
                        "client-certificate-header"),
                bad("client-certificate-header Authorization", p -> p.put("client-certificate-header", "Authorization"),
                        "client-certificate-header"),
                // Misspelt names fail with a suggestion instead of being silently ignored.
                bad("clock_skew with an underscore", p -> p.put("clock_skew", "30"), "did you mean clock-skew?"),
                bad("cache-max-entry singular", p -> p.put("cache-max-entry", "5"), "did you mean cache-max-entries?"),
                bad("Mode capitalized", p -> p.put("Mode", "permissive"), "did you mean mode?"),
                bad("strict-token-typ cut short", p -> p.put("strict-token-typ", "true"),
                        "did you mean strict-token-type?"),
                bad("jwks_uri with an underscore", p -> p.put("jwks_uri", "typo"), "did you mean jwks-uri?"),
                bad("a name like no parameter", p -> p.put("frobnicate", "1"), "unknown parameter; the filter reads"));
    }

    private static Arguments bad(String name, Consumer<Map<String, String>> change, String named) {
        return Arguments.of(name, change, named);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badParameters")
    void initWhenParameterBadThenServletExceptionNamingIt(String name, Consumer<Map<String, String>> change,
            String named) {
        Map<String, String> params = goodParams();
        change.accept(params);
        ScopeEnforcementFilter filter = new ScopeEnforcementFilter();
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> filter.init(new MapConfig(params)));
        assertTrue(e.getMessage().contains(named), () -> "expected '" + named + "' in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("scope-enforcer: parameter " + e.parameter() + ": "), e.getMessage());
        assertTrue(FilterParameter.named(e.parameter()).isPresent() || e.parameter().startsWith("'"),
                () -> "a parameter of the table, or the quoted unknown name: " + e.parameter());
        assertNull(filter.enforcer(), "a failed init leaves no engine");
    }

    /** What deliberately passes: blank values are absent, values are trimmed, names of modes ignore case. */
    static Stream<Arguments> acceptedOddities() {
        return Stream.of(
                Arguments.of("blank optional parameter counts as absent", (Consumer<Map<String, String>>) p ->
                        p.put("algorithms", "   ")),
                Arguments.of("values are trimmed", (Consumer<Map<String, String>>) p ->
                        p.put("issuer", "  " + IDP.issuer() + "\t")),
                Arguments.of("mode in upper case", (Consumer<Map<String, String>>) p -> p.put("mode", "PERMISSIVE")),
                Arguments.of("clock-skew as ISO-8601 in lower case", (Consumer<Map<String, String>>) p ->
                        p.put("clock-skew", "pt30s")),
                Arguments.of("cache-max-entries 0 turns caches off", (Consumer<Map<String, String>>) p ->
                        p.put("cache-max-entries", "0")),
                Arguments.of("realm, the deprecated name of challenge-realm, is still read",
                        (Consumer<Map<String, String>>) p -> p.put("realm", "old-name")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedOddities")
    void initWhenOddButValidParameterThenStarts(String name, Consumer<Map<String, String>> change)
            throws ServletException {
        Map<String, String> params = goodParams();
        change.accept(params);
        ScopeEnforcementFilter filter = new ScopeEnforcementFilter();
        filter.init(new MapConfig(params));
        assertNotNull(filter.enforcer());
    }

    @Test
    void initWhenBuiltInCodeThenParametersIgnored() throws ServletException {
        ScopeEnforcementFilter built = ScopeEnforcementFilter.newBuilder()
                .enforcer(newFilterFrom(goodParams()).enforcer()).build();
        built.init(new MapConfig(Map.of("mode", "nonsense")));
        assertNotNull(built.enforcer());
    }

    private static ScopeEnforcementFilter newFilterFrom(Map<String, String> params) throws ServletException {
        ScopeEnforcementFilter filter = new ScopeEnforcementFilter();
        filter.init(new MapConfig(params));
        return filter;
    }

    @Test
    void initWhenParametersSplitOverContextParamsAndSystemPropertiesThenAllRead() {
        Map<String, String> all = goodParams();
        Map<String, String> init = new LinkedHashMap<>(all);
        Map<String, String> context = new LinkedHashMap<>();
        // Context params are read only with the enforcer. prefix: unprefixed ones belong to other libraries.
        context.put("enforcer.issuer", init.remove("issuer"));
        context.put("enforcer.audience", init.remove("audience"));
        context.put("mode", "permissive"); // another library's; never read
        context.put("enforcer.realm", "from-context"); // an init-param wins over a context param
        init.remove("realm");
        init.put("realm", "from-init");
        init.remove("mode");
        String previous = System.setProperty("enforcer.mode", "permissive");
        try (FilterServer server = HARNESS.start("/", init, context)) {
            Reply denied = server.get("/paas/analytics/reports");
            assertEquals(200, denied.status(), "permissive from the system property: " + denied.body());
            assertEquals(1, server.filter().stats().permissivePassed());
            String token = IDP.token().scope("urn:opc:resource:consumer:paas:analytics::read").sign();
            Reply allowed = server.get("/paas/analytics/reports", "Authorization", "Bearer " + token);
            assertEquals("alice", allowed.echo().get("principal"), "issuer and audience from context params");
        } finally {
            restore("enforcer.mode", previous);
        }
        init.put("mode", "enforcing");
        try (FilterServer server = HARNESS.start("/", init, context)) {
            assertEquals("Bearer realm=\"from-init\", resource_metadata=\"" + FilterServer.METADATA_URL + "\"",
                    server.get("/paas/analytics/reports").header("WWW-Authenticate"));
        }
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, previous);
        }
    }

    @Test
    void metadataWhenResourceMetadataSetThenRfc9728Document() throws Exception {
        try (FilterServer server = HARNESS.start("/", goodParams())) {
            Reply reply = server.get(ScopeEnforcementFilter.METADATA_PATH);
            assertEquals(200, reply.status());
            assertTrue(reply.header("Content-Type").startsWith("application/json"), reply.header("Content-Type"));
            Map<String, Object> json = JSONObjectUtils.parse(reply.body());
            assertAll(
                    () -> assertEquals(FilterServer.RESOURCE, json.get("resource")),
                    () -> assertEquals(List.of(IDP.issuer()), json.get("authorization_servers")),
                    // The fixed scopes the policy names; templates such as {service} cannot be listed.
                    () -> assertEquals(List.of("realms:create", "realms:delete", "realms:read", "realms:update",
                            "tenants:read", "tenants:update", "urn:opc:idm:__myscopes__"), json.get("scopes_supported")),
                    () -> assertEquals(List.of("header"), json.get("bearer_methods_supported")));

            Reply head = server.send(FilterServer.Request.of("HEAD", ScopeEnforcementFilter.METADATA_PATH));
            assertEquals(200, head.status());
            assertEquals("", head.body());
            Reply post = server.send(FilterServer.Request.of("POST", ScopeEnforcementFilter.METADATA_PATH));
            assertEquals(403, post.status(), "only GET and HEAD are served; POST falls to the policy");
        }
    }

    @Test
    void metadataWhenResourceMetadataUnsetThenNotServedAndNotInChallenge() {
        Map<String, String> params = goodParams();
        params.remove("resource-metadata");
        try (FilterServer server = HARNESS.start("/", params)) {
            Reply metadata = server.get(ScopeEnforcementFilter.METADATA_PATH);
            assertEquals(403, metadata.status(), "no rule covers it, so deny by default");
            assertFalse(metadata.body().contains("authorization_servers"));
            assertEquals("Bearer realm=\"api\"", server.get("/paas/analytics/reports").header("WWW-Authenticate"));
        }
    }

    @Test
    void metadataWhenResourceHasPathThenServedWhereTheChallengePoints() throws Exception {
        Map<String, String> params = goodParams();
        params.put("resource-metadata", FilterServer.RESOURCE + "/api");
        try (FilterServer server = HARNESS.start("/", params)) {
            // RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
            String url = FilterServer.RESOURCE + ScopeEnforcementFilter.METADATA_PATH + "/api";
            assertEquals("Bearer realm=\"api\", resource_metadata=\"" + url + "\"",
                    server.get("/paas/analytics/reports").header("WWW-Authenticate"));
            Reply reply = server.get(ScopeEnforcementFilter.METADATA_PATH + "/api");
            assertEquals(200, reply.status(), "the challenge must not point at a 403: " + reply.body());
            assertEquals(FilterServer.RESOURCE + "/api", JSONObjectUtils.parse(reply.body()).get("resource"));
            assertEquals(200, server.get(ScopeEnforcementFilter.METADATA_PATH).status(), "still served here too");
            assertEquals(403, server.get(ScopeEnforcementFilter.METADATA_PATH + "/other").status());
        }
    }

    @Test
    void metadataWhenContextPathThenServedInsideTheContext() throws Exception {
        try (FilterServer server = HARNESS.start("/app", goodParams())) {
            Reply reply = server.get(ScopeEnforcementFilter.METADATA_PATH);
            assertEquals(200, reply.status());
            assertEquals(FilterServer.RESOURCE, JSONObjectUtils.parse(reply.body()).get("resource"));
        }
    }
}
