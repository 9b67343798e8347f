package io.scopeenforcer.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A per-tenant issuer template over real HTTP: the filter in Jetty with
 * {@code issuer=http://127.0.0.1:<port>/v1/tenants/{tenant}/realms/{realm}/applications/*} (keys by discovery of each
 * concrete issuer), a real metadata and JWKS server for the tenants {@code acme} and {@code globex}, and another
 * server that an SSRF attempt would reach, which must see no request. Every tenant's issuer publishes the same keys
 * here, so only the binding by {@code iss} keeps acme's tokens off globex's routes. Then the same from an issuers
 * file with a JWKS URI template and {@code max-concrete-issuers}, and the configuration errors.
 */
class IssuerTemplateOverHttpTest {

    private static final String ACME_APPS = "/v1/tenants/acme/realms/prod/applications";
    private static final String GLOBEX_APPS = "/v1/tenants/globex/realms/main/applications";

    @TempDir
    static Path dir;
    private static JwksServer idpServer;
    private static JwksServer elsewhere;
    private static TestIssuer keys;
    private static FilterServer app;

    @BeforeAll
    static void start() {
        keys = TestIssuer.create("unused");
        idpServer = JwksServer.start(keys.rsa().publicJwkSet());
        elsewhere = JwksServer.start(keys.rsa().publicJwkSet());
        for (String tenant : List.of("acme/realms/prod/applications/app1", "globex/realms/main/applications/app2")) {
            serveMetadata("/v1/tenants/" + tenant, idpServer.uri().toString());
        }
        // A tenant whose metadata points the JWKS fetch at another host: refused, never fetched.
        serveMetadata("/v1/tenants/evil/realms/r/applications/a", elsewhere.uri().toString());
        Map<String, String> params = FilterServer.params(keys, idpServer, dir);
        params.put("issuer", idpServer.base("/v1/tenants/{tenant}/realms/{realm}/applications/*"));
        params.remove("jwks-uri");
        params.put("audience", TestIssuer.DEFAULT_AUDIENCE);
        app = FilterServer.start("/", params);
    }

    @AfterAll
    static void stop() {
        app.close();
        idpServer.close();
        elsewhere.close();
    }

    private static void serveMetadata(String path, String jwksUri) {
        idpServer.serveDocument(path + "/.well-known/openid-configuration",
                "{\"issuer\":\"" + idpServer.base(path) + "\",\"jwks_uri\":\"" + jwksUri + "\"}");
    }

    private static String token(String issPath, String tenantClaim, String realmClaim) {
        return keys.token().issuer(issPath.startsWith("http") ? issPath : idpServer.base(issPath))
                .scope("applications:read").tenant(tenantClaim).realm(realmClaim).sign();
    }

    static Stream<Arguments> requests() {
        String acme = "/v1/tenants/acme/realms/prod/applications/app1";
        String globex = "/v1/tenants/globex/realms/main/applications/app2";
        String otherTenant = "the token's issuer is another tenant's";
        return Stream.of(
                // name, path, iss (path on the issuer's server, or a whole URL), tenant and realm claims, status,
                // detail (null: the application answered)
                Arguments.of("acme's token on acme's route", ACME_APPS, acme, "acme", "prod", 200, null),
                Arguments.of("acme's token without claims", ACME_APPS, acme, null, null, 200, null),
                Arguments.of("globex's token on globex's route", GLOBEX_APPS, globex, "globex", "main", 200, null),
                Arguments.of("acme's issuer, globex's claim, globex's route", GLOBEX_APPS, acme, "globex", "main",
                        403, otherTenant),
                Arguments.of("acme's issuer, no claim, globex's route", GLOBEX_APPS, acme, null, null, 403,
                        otherTenant),
                Arguments.of("globex's issuer, acme's claim, acme's route", ACME_APPS, globex, "acme", "prod", 403,
                        otherTenant),
                Arguments.of("acme's issuer, globex's claim, acme's route", ACME_APPS, acme, "globex", "main", 403,
                        "the token is bound to another tenant"),
                Arguments.of("acme's issuer, realm dev route", "/v1/tenants/acme/realms/dev/applications", acme,
                        "acme", "*", 403, "the token's issuer is another realm's"),
                Arguments.of("iss on another host", ACME_APPS, elsewhere.base(acme), "acme", "prod", 401,
                        "the token issuer is not trusted"),
                Arguments.of("iss with user info", ACME_APPS, idpServer.base(acme).replace("://", "://u@"), "acme",
                        "prod", 401, "the token issuer is not trusted"),
                Arguments.of("iss with an extra segment", ACME_APPS, acme + "/x", "acme", "prod", 401,
                        "the token issuer is not trusted"),
                Arguments.of("iss with a trailing slash", ACME_APPS, acme + "/", "acme", "prod", 401,
                        "the token issuer is not trusted"),
                Arguments.of("iss with a dot-segment", ACME_APPS, "/v1/tenants/../realms/prod/applications/app1",
                        "acme", "prod", 401, "the token issuer is not trusted"),
                Arguments.of("iss with an encoded slash", ACME_APPS,
                        "/v1/tenants/acme%2Fglobex/realms/prod/applications/app1", "acme", "prod", 401,
                        "the token issuer is not trusted"),
                Arguments.of("metadata naming a JWKS URI on another host",
                        "/v1/tenants/evil/realms/r/applications", "/v1/tenants/evil/realms/r/applications/a",
                        "evil", "r", 503, "the token issuer's keys are temporarily unavailable"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void requestWhenIssuerTemplateThenTenantOfIssBindsAndNoFetchLeavesTheTemplateHost(String name, String path,
            String iss, String tenant, String realm, int status, String detail) {
        Reply reply = app.get(path, "Authorization", "Bearer " + token(iss, tenant, realm));

        if (detail == null) {
            assertEquals(status, reply.status(), reply::toString);
            assertTrue(!Problems.isFromFilter(reply), "the application answered: " + reply.body());
        } else {
            Problems.assertProblem(reply, status, detail, status == 403 ? List.of("applications:read") : null);
        }
        if (status == 403) {
            assertTrue(reply.header("WWW-Authenticate").contains("error=\"insufficient_scope\""),
                    () -> reply.header("WWW-Authenticate"));
        }
        assertEquals(0, elsewhere.fetches(), "no fetch ever reaches a host the template does not name");
    }

    @Test
    void metadataWhenIssuerTemplateThenNotAnAuthorizationServer() {
        Reply reply = app.get("/.well-known/oauth-protected-resource");

        assertEquals(200, reply.status());
        assertTrue(reply.body().contains("\"authorization_servers\":[]"), reply::body);
    }

    @Test
    void requestWhenIssuersFileWithJwksUriTemplateThenPerTenantKeysAndBinding() throws IOException {
        Path file = Files.writeString(dir.resolve("issuers.properties"), """
                issuer.tenants.issuer=%s
                issuer.tenants.jwks-uri=%s
                issuer.tenants.max-concrete-issuers=2
                issuer.tenants.audience=%s
                """.formatted(idpServer.base("/v1/tenants/{tenant}/realms/{realm}/applications/*"),
                idpServer.base("/keys/{tenant}/jwks.json"), TestIssuer.DEFAULT_AUDIENCE));
        Map<String, String> params = FilterServer.params(keys, idpServer, dir);
        params.remove("issuer");
        params.remove("jwks-uri");
        params.remove("audience");
        params.put("issuers", file.toString());
        try (FilterServer fromFile = FilterServer.start("/", params)) {
            String acme = "/v1/tenants/acme/realms/prod/applications/app1";

            assertEquals(200, fromFile.get(ACME_APPS, "Authorization", "Bearer " + token(acme, "acme", "prod"))
                    .status());
            Problems.assertProblem(fromFile.get(GLOBEX_APPS, "Authorization", "Bearer " + token(acme, "globex", "main")),
                    403, "the token's issuer is another tenant's", List.of("applications:read"));
            for (int i = 0; i < 5; i++) {
                String iss = "/v1/tenants/t" + i + "/realms/r/applications/a";
                assertEquals(200, fromFile.get("/v1/tenants/t" + i + "/realms/r/applications", "Authorization",
                        "Bearer " + token(iss, null, null)).status());
            }
            assertEquals(1, fromFile.filter().keyStatus().size());
            assertTrue(fromFile.filter().keyStatus().get(0).keyCount() <= 2,
                    () -> "at most max-concrete-issuers key sets held: " + fromFile.filter().keyStatus());
        }
    }

    static Stream<Arguments> badParameters() {
        String template = "https://auth.example.test/v1/tenants/{tenant}/realms/{realm}/applications/*";
        return Stream.of(
                Arguments.of(Map.of("issuer", "https://auth.example.test/{org}/{tenant}"), "issuer",
                        "issuer template: unknown variable '{org}'; the policy binds {tenant} and {realm}"),
                Arguments.of(Map.of("issuer", template, "jwks-uri", "https://auth.example.test/keys.json"),
                        "jwks-uri", "jwksUriTemplate must hold {tenant}: keys shared by every tenant would let one"
                                + " tenant's issuer sign for another"),
                Arguments.of(Map.of("issuer", template, "jwks-file", "/tmp/keys.json"), "jwks-file",
                        "an issuer template takes jwks-uri (a template holding {tenant}) or discovery: one key file"
                                + " for every tenant would let one tenant sign for another"),
                Arguments.of(Map.of("issuer", "https://auth.example.test", "max-concrete-issuers", "5"),
                        "max-concrete-issuers", "needs an issuer template (an issuer holding {tenant})"),
                Arguments.of(Map.of("issuer", template, "max-concrete-issuers", "0"), "max-concrete-issuers",
                        "maxConcreteIssuers must be positive, got 0"));
    }

    @ParameterizedTest
    @MethodSource("badParameters")
    void fromParametersWhenTemplateMisconfiguredThenRefusedNamingTheParameter(Map<String, String> given,
            String parameter, String reason) {
        Map<String, String> params = new java.util.HashMap<>(given);
        params.put("audience", "api");
        params.put("policy", FilterServer.writePolicy(dir, FilterServer.POLICY).toString());
        FilterSettings.BadParameter e = assertThrows(FilterSettings.BadParameter.class,
                () -> FilterSettings.fromParameters(p -> params.get(p.parameterName()), null));
        assertEquals(parameter, e.parameter());
        assertEquals(reason, e.reason());
    }

    @Test
    void startWhenIdpHasNoKeysYetThenStartsAndFetchesNothing() {
        try (JwksServer empty = JwksServer.start(new JWKSet())) {
            Map<String, String> params = FilterServer.params(keys, empty, dir);
            params.put("issuer", empty.base("/v1/tenants/{tenant}/realms/{realm}/applications/*"));
            params.remove("jwks-uri");
            params.put("key-prefetch", "fail");
            try (FilterServer started = FilterServer.start("/", params)) {
                assertEquals(200, started.get("/health").status());
                assertEquals(0, empty.fetches(), "no concrete issuer before a token names one");
            }
        }
    }
}
