package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TrustedIssuer#issuerTemplate(String)}: the template's syntax (each fault with its exact message), which
 * {@code iss} values match and what they capture (RFC 8725 §3.10: a token must not choose where keys are fetched),
 * the JWKS URI template's filling, and the settings only a template takes. Fetches: {@link IssuerTemplateFetchTest}.
 */
class IssuerTemplateTest {

    static final String TEMPLATE = "https://auth.example.test/v1/tenants/{tenant}/realms/{realm}/applications/*";

    static Stream<Arguments> badTemplates() {
        return Stream.of(
                Arguments.of("auth.example.test/v1/tenants/{tenant}",
                        "issuer template must be an absolute http(s) URL: 'auth.example.test/v1/tenants/{tenant}'"),
                Arguments.of("ftp://auth.example.test/{tenant}",
                        "issuer template must be an absolute http(s) URL: 'ftp://auth.example.test/{tenant}'"),
                Arguments.of("https://{tenant}.auth.example.test/x", "issuer template: the scheme, host and port must"
                        + " be literal, without user info: 'https://{tenant}.auth.example.test/x'"),
                Arguments.of("https://auth.example.test:{realm}/{tenant}", "issuer template: the scheme, host and port"
                        + " must be literal, without user info: 'https://auth.example.test:{realm}/{tenant}'"),
                Arguments.of("https://user@auth.example.test/{tenant}", "issuer template: the scheme, host and port"
                        + " must be literal, without user info: 'https://user@auth.example.test/{tenant}'"),
                Arguments.of("https://auth.example.test", "issuer template has no path to hold a variable:"
                        + " 'https://auth.example.test'"),
                Arguments.of("https://auth.example.test/v1/tenants/{tenant}?x=1", "issuer template: a variable or * must"
                        + " be a whole path segment, got '{tenant}?x=1'"),
                Arguments.of("https://auth.example.test/t-{tenant}", "issuer template: a variable or * must be a whole"
                        + " path segment, got 't-{tenant}'"),
                Arguments.of("https://auth.example.test/{org}/{tenant}", "issuer template: unknown variable '{org}';"
                        + " the policy binds {tenant} and {realm}"),
                Arguments.of("https://auth.example.test/{tenant}/{tenant}", "issuer template: {tenant} appears twice"),
                Arguments.of("https://auth.example.test/{realm}/*", "issuer template must hold {tenant}:"
                        + " 'https://auth.example.test/{realm}/*'"),
                Arguments.of("https://auth.example.test/a/../{tenant}", "issuer template: bad path segment '..' (RFC"
                        + " 3986 characters without %, no dot-segment, no empty segment but a trailing /)"),
                Arguments.of("https://auth.example.test/a%2F/{tenant}", "issuer template: bad path segment 'a%2F'"
                        + " (RFC 3986 characters without %, no dot-segment, no empty segment but a trailing /)"),
                Arguments.of("https://auth.example.test//{tenant}", "issuer template: bad path segment '' (RFC 3986"
                        + " characters without %, no dot-segment, no empty segment but a trailing /)"),
                Arguments.of("https://auth.example.test/{tenant}#f", "issuer template: a variable or * must be a whole"
                        + " path segment, got '{tenant}#f'"));
    }

    @ParameterizedTest
    @MethodSource("badTemplates")
    void issuerTemplateWhenMalformedThenExactMessage(String template, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedIssuer.issuerTemplate(template));
        assertEquals(message, e.getMessage());
    }

    static Stream<Arguments> issValues() {
        String base = "https://auth.example.test/v1/tenants/";
        Map<String, String> acmeProd = Map.of("tenant", "acme", "realm", "prod");
        return Stream.of(
                // iss, captured values (null: no match)
                Arguments.of(base + "acme/realms/prod/applications/app1", acmeProd),
                Arguments.of(base + "a.b_c~d-9/realms/R-1/applications/x", Map.of("tenant", "a.b_c~d-9", "realm", "R-1")),
                Arguments.of(base + "acme/realms/prod/applications/app1/extra", null),
                Arguments.of(base + "acme/realms/prod/applications/app1/", null),
                Arguments.of(base + "acme/realms/prod/applications", null),
                Arguments.of(base + "acme/realms/prod/applications/", null),
                Arguments.of(base + "acme/realms//applications/app1", null),
                Arguments.of(base + "ac%6De/realms/prod/applications/app1", null),
                Arguments.of(base + "acme%2Fglobex/realms/prod/applications/app1", null),
                Arguments.of(base + "../realms/prod/applications/app1", null),
                Arguments.of(base + "./realms/prod/applications/app1", null),
                Arguments.of(base + "acme/realms/../applications/app1", null),
                Arguments.of(base + "acme/realms/prod/applications/..", null),
                Arguments.of(base + "acme/realms/prod/applications/app1?x=1", null),
                Arguments.of(base + "acme/realms/prod/applications/app1#f", null),
                Arguments.of(base + "acme/realms/prod/applications/a@b", null),
                Arguments.of(base + "ac me/realms/prod/applications/app1", null),
                Arguments.of(base + "acmé/realms/prod/applications/app1", null),
                Arguments.of(base + "acme\n/realms/prod/applications/app1", null),
                Arguments.of(base + "*/realms/prod/applications/app1", null),
                Arguments.of("https://auth.example.test/v1/Tenants/acme/realms/prod/applications/app1", null),
                Arguments.of("https://evil.example/v1/tenants/acme/realms/prod/applications/app1", null),
                Arguments.of("https://auth.example.test.evil.example/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://auth.example.test@evil.example/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://evil.example@auth.example.test/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://auth.example.test:8443/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://auth.example.test:443/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://AUTH.example.test/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("http://auth.example.test/v1/tenants/acme/realms/prod/applications/a", null),
                Arguments.of("https://auth.example.test", null),
                Arguments.of("https://auth.example.test/", null),
                Arguments.of("", null));
    }

    @ParameterizedTest
    @MethodSource("issValues")
    void matchWhenIssThenCapturedValuesOrNoMatch(String iss, Map<String, String> expected) {
        assertEquals(expected, IssuerTemplate.parse(TEMPLATE, "issuer template", true).match(iss));
    }

    static Stream<Arguments> jwksTemplates() {
        return Stream.of(
                // jwks template, filled URI or the exact message
                Arguments.of("https://keys.example.test/{tenant}/{realm}/jwks.json",
                        "https://keys.example.test/acme/prod/jwks.json"),
                Arguments.of("https://auth.example.test/v1/tenants/{tenant}/.well-known/jwks.json",
                        "https://auth.example.test/v1/tenants/acme/.well-known/jwks.json"),
                Arguments.of("https://auth.example.test/jwks.json", "jwksUriTemplate must hold {tenant}: keys shared by"
                        + " every tenant would let one tenant's issuer sign for another"),
                Arguments.of("https://auth.example.test/{tenant}/*/jwks.json", "jwksUriTemplate: * cannot be filled;"
                        + " name the segment's variable"),
                Arguments.of("https://{tenant}.example.test/jwks.json", "jwksUriTemplate: the scheme, host and port"
                        + " must be literal, without user info: 'https://{tenant}.example.test/jwks.json'"),
                Arguments.of("https://auth.example.test/{tenant}/jwks?kid=1", "jwksUriTemplate: bad path segment"
                        + " 'jwks?kid=1' (RFC 3986 characters without %, no dot-segment, no empty segment but a"
                        + " trailing /)"));
    }

    @ParameterizedTest
    @MethodSource("jwksTemplates")
    void jwksUriTemplateWhenGivenThenFilledOrExactMessage(String template, String expected) {
        TrustedIssuer.JwksUriBuilder builder = TrustedIssuer.issuerTemplate(TEMPLATE);
        if (expected.startsWith("https://")) {
            builder.jwksUriTemplate(template);
            assertEquals(URI.create(expected), IssuerTemplate.parse(template, "jwksUriTemplate", false)
                    .fill(Map.of("tenant", "acme", "realm", "prod")));
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> builder.jwksUriTemplate(template));
            assertEquals(expected, e.getMessage());
        }
    }

    @Test
    void jwksUriTemplateWhenVariableNotInIssuerTemplateThenRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedIssuer.issuerTemplate("https://auth.example.test/{tenant}")
                        .jwksUriTemplate("https://auth.example.test/{tenant}/{realm}/jwks.json"));
        assertEquals("jwksUriTemplate: {realm} is not in the issuer template", e.getMessage());
    }

    static Stream<Arguments> templateOnlySettings() {
        return Stream.of(
                Arguments.of("jwksUriTemplate", (Runnable) () -> TrustedIssuer.discovery("https://idp.example.test")
                        .jwksUriTemplate("https://idp.example.test/{tenant}")),
                Arguments.of("maxConcreteIssuers", (Runnable) () -> TrustedIssuer.discovery("https://idp.example.test")
                        .maxConcreteIssuers(5)),
                Arguments.of("maxNewConcreteIssuersPerMinute", (Runnable) () -> TrustedIssuer.jwksUri(
                        "https://idp.example.test", URI.create("https://idp.example.test/jwks"))
                        .maxNewConcreteIssuersPerMinute(5)));
    }

    @ParameterizedTest
    @MethodSource("templateOnlySettings")
    void templateSettingWhenNoTemplateThenRefused(String setting, Runnable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
        assertEquals(setting + " needs an issuer template (TrustedIssuer.issuerTemplate)", e.getMessage());
    }

    @Test
    void buildWhenTemplateOffLoopbackOverHttpOrIntrospectingThenRefused() {
        IllegalStateException http = assertThrows(IllegalStateException.class,
                () -> TrustedIssuer.issuerTemplate("http://auth.example.test/{tenant}").audience(AUDIENCE).build());
        assertEquals("issuer http://auth.example.test/{tenant}: an issuer template and its jwksUriTemplate need https"
                + " (http only on a loopback host, or set allowUnsafeHttpJwksUri)", http.getMessage());
        IllegalStateException introspecting = assertThrows(IllegalStateException.class,
                () -> TrustedIssuer.issuerTemplate(TEMPLATE).audience(AUDIENCE).introspection(
                        URI.create("https://auth.example.test/introspect"), "api", "secret").build());
        assertEquals("issuer " + TEMPLATE + ": introspection needs a fixed issuer (an opaque token names none)",
                introspecting.getMessage());
    }
}
