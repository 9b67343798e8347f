package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.scopeenforcer.example.issuer.AuthorizationEndpoint;
import io.scopeenforcer.example.issuer.Directory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The authorization-code flow of the development issuer over real HTTP (RFC 6749 §4.1, RFC 7636, RFC 9207,
 * RFC 8252 §7.3, RFC 9700): a browser stand-in with a cookie jar follows the sign-in and consent forms by hand.
 */
class AuthorizationCodeFlowTest {

    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-extra-length";
    static final String CHALLENGE = s256(VERIFIER);
    static final String ACME_SCOPE = "tenants:read realms:read applications:read applications:create"
            + " applications:update applications:delete groups:read groups:update identities:read offline_access";
    static final String CLI_SCOPE = "urn:opc:resource:consumer:paas:analytics::read"
            + " urn:opc:resource:consumer:paas:stack::read offline_access";

    private final Api api = Api.shared();
    private final URI base = api.base();

    static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    String acmeCallback() {
        return base + "/demo/callback";
    }

    /** A complete authorization request of acme-web; tests remove or replace parameters. */
    Map<String, String> acmeRequest(String scope) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", "acme-web");
        p.put("redirect_uri", acmeCallback());
        p.put("scope", scope);
        p.put("state", "st-" + UUID.randomUUID());
        p.put("code_challenge", CHALLENGE);
        p.put("code_challenge_method", "S256");
        return p;
    }

    Map<String, String> cliRequest(int port) {
        Map<String, String> p = acmeRequest(CLI_SCOPE);
        p.put("client_id", "paas-cli");
        p.put("redirect_uri", "http://127.0.0.1:" + port + "/callback");
        return p;
    }

    URI authorizeUri(Map<String, String> params) {
        return base.resolve(AuthorizationEndpoint.PATH + "?" + Browser.form(params));
    }

    /** Authorize, sign in as {@code user}, return the consent page. */
    HttpResponse<String> consentPage(Browser browser, Map<String, String> request, String user) {
        HttpResponse<String> signIn = browser.get(authorizeUri(request));
        assertEquals(200, signIn.statusCode(), signIn.body());
        assertTrue(signIn.body().contains("action=\"/oauth2/v1/signin\""), signIn.body());
        return browser.submit(base, signIn, Map.of("username", user, "password", Directory.passwordOf(user)));
    }

    /** The whole flow up to the redirect with the code; returns the redirect's parameters. */
    Map<String, String> codeFor(Browser browser, Map<String, String> request, String user) {
        HttpResponse<String> consent = consentPage(browser, request, user);
        assertEquals(200, consent.statusCode(), consent.body());
        HttpResponse<String> redirect = browser.submit(base, consent, Map.of("decision", "allow"));
        assertEquals(303, redirect.statusCode(), redirect.body());
        String location = Api.header(redirect, "Location");
        assertTrue(location.startsWith(request.get("redirect_uri") + "?"), location);
        return Browser.query(location);
    }

    HttpResponse<String> exchange(String client, String code, String redirectUri, String verifier) {
        String form = "grant_type=authorization_code&code=" + Api.form(code) + "&redirect_uri=" + Api.form(redirectUri)
                + "&code_verifier=" + Api.form(verifier);
        if (client.equals("paas-cli")) {
            return api.tokenRequest(null, form + "&client_id=paas-cli");
        }
        return api.tokenRequest(client, form);
    }

    HttpResponse<String> refresh(String client, String refreshToken) {
        String form = "grant_type=refresh_token&refresh_token=" + Api.form(refreshToken);
        return client.equals("paas-cli") ? api.tokenRequest(null, form + "&client_id=paas-cli")
                : api.tokenRequest(client, form);
    }

    static JWTClaimsSet claims(Map<String, Object> tokenResponse) throws Exception {
        return SignedJWT.parse((String) tokenResponse.get("access_token")).getJWTClaimsSet();
    }

    static Stream<Arguments> users() {
        return Stream.of(
                // user | granted (without offline_access) | dropped | bi_t | bi_r
                Arguments.of("alice", "applications:read applications:create applications:update applications:delete"
                        + " groups:read groups:update identities:read", List.of("tenants:read", "realms:read"),
                        "acme", "prod"),
                Arguments.of("bob", "applications:read groups:read identities:read",
                        List.of("tenants:read", "realms:read", "applications:create", "applications:update",
                                "applications:delete", "groups:update"), "acme", "*"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("users")
    void codeFlowWhenUserHoldsPartOfTheScopeThenGrantsTheIntersectionAndBindsTheUser(
            String user, String granted, List<String> dropped, String tenant, String realm) throws Exception {
        Browser browser = new Browser();
        Map<String, String> request = acmeRequest(ACME_SCOPE);
        HttpResponse<String> consent = consentPage(browser, request, user);
        assertEquals(200, consent.statusCode());
        String dropSection = consent.body().substring(consent.body().indexOf("Dropped"));
        for (String scope : dropped) {
            assertTrue(dropSection.contains("<code>" + scope + "</code>"), scope + " listed as dropped");
        }
        for (String scope : granted.split(" ")) {
            assertFalse(dropSection.contains("<code>" + scope + "</code>"), scope + " not dropped");
        }
        HttpResponse<String> redirect = browser.submit(base, consent, Map.of("decision", "allow"));
        assertEquals(303, redirect.statusCode());
        Map<String, String> answer = Browser.query(Api.header(redirect, "Location"));
        assertEquals(request.get("state"), answer.get("state"), "state echoed");
        assertEquals(base.toString(), answer.get("iss"), "RFC 9207 iss");

        HttpResponse<String> token = exchange("acme-web", answer.get("code"), acmeCallback(), VERIFIER);
        assertEquals(200, token.statusCode(), token.body());
        Map<String, Object> body = Api.json(token);
        assertEquals(granted + " offline_access", body.get("scope"));
        JWTClaimsSet claims = claims(body);
        assertEquals(user, claims.getSubject());
        assertEquals("acme-web", claims.getStringClaim("client_id"));
        assertEquals(tenant, claims.getStringClaim("bi_t"));
        assertEquals(realm, claims.getStringClaim("bi_r"));
        assertNotNull(body.get("refresh_token"));

        HttpResponse<String> apps = api.send("GET", "/v1/tenants/acme/realms/prod/applications",
                (String) body.get("access_token"), null);
        assertEquals(200, apps.statusCode(), apps.body());
    }

    @Test
    void codeFlowWhenPublicLoopbackClientOnAnyPortThenTokenWithoutSecret() throws Exception {
        for (int port : new int[] {1234, 54321}) {
            Map<String, String> request = cliRequest(port);
            Map<String, String> answer = codeFor(new Browser(), request, "carol");
            HttpResponse<String> token = exchange("paas-cli", answer.get("code"), request.get("redirect_uri"), VERIFIER);
            assertEquals(200, token.statusCode(), token.body());
            Map<String, Object> body = Api.json(token);
            // carol holds ...:paas:analytics::read only: stack::read (which paas-cli may have) is dropped.
            assertEquals("urn:opc:resource:consumer:paas:analytics::read offline_access", body.get("scope"));
            assertEquals("carol", claims(body).getSubject());
            assertNull(claims(body).getClaim("bi_t"), "carol has no tenant");
            HttpResponse<String> refreshed = refresh("paas-cli", (String) body.get("refresh_token"));
            assertEquals(200, refreshed.statusCode(), refreshed.body());
        }
    }

    /** An authorization request that must not be redirected anywhere: an HTML error page, no Location. */
    static Stream<Arguments> neverRedirected() {
        return Stream.of(
                Arguments.of("unknown client", "client_id", "mallory"),
                Arguments.of("client_credentials client", "client_id", "paas-reader"),
                Arguments.of("no client", "client_id", null),
                Arguments.of("no redirect_uri", "redirect_uri", null),
                Arguments.of("unregistered host", "redirect_uri", "https://evil.example/demo/callback"),
                Arguments.of("registered URI plus a query", "redirect_uri", "@/demo/callback?x=1"),
                Arguments.of("registered URI plus a path", "redirect_uri", "@/demo/callback/more"),
                Arguments.of("registered URI with a fragment", "redirect_uri", "@/demo/callback#x"),
                Arguments.of("other port for a non-loopback client", "redirect_uri", "http://localhost:1/demo/callback"),
                Arguments.of("https instead of http", "redirect_uri", "https://@@/demo/callback"),
                Arguments.of("prefix of the registered URI", "redirect_uri", "@/demo/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neverRedirected")
    void authorizeWhenClientOrRedirectUriUnregisteredThenErrorPageAndNoRedirect(String why, String name, String value) {
        Map<String, String> request = acmeRequest(ACME_SCOPE);
        if (value == null) {
            request.remove(name);
        } else {
            request.put(name, value.replace("@@", base.getAuthority()).replace("@", base.toString()));
        }
        HttpResponse<String> response = new Browser().get(authorizeUri(request));
        assertEquals(400, response.statusCode(), why);
        assertNull(Api.header(response, "Location"), why);
        assertEquals("text/html", Api.mediaType(Api.header(response, "Content-Type")));
        assertFalse(response.body().contains("evil.example"), "nothing of the request is echoed");
    }

    static Stream<Arguments> loopbackRedirects() {
        return Stream.of(
                Arguments.of("http://127.0.0.1:8080/callback", true),
                Arguments.of("http://127.0.0.1:65535/callback", true),
                Arguments.of("http://127.0.0.1/callback", false),
                Arguments.of("http://localhost:8080/callback", false),
                Arguments.of("http://127.0.0.1:8080/callback?x=1", false),
                Arguments.of("http://127.0.0.1:8080/callback/", false),
                Arguments.of("http://127.0.0.1:8080/other", false),
                Arguments.of("https://127.0.0.1:8080/callback", false),
                Arguments.of("http://user@127.0.0.1:8080/callback", false),
                Arguments.of("http://127.0.0.1:8080/./callback", false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("loopbackRedirects")
    void authorizeWhenPublicClientLoopbackRedirectThenOnlyTheRegisteredFormOnAnyPort(String uri, boolean allowed) {
        Map<String, String> request = cliRequest(1);
        request.put("redirect_uri", uri);
        HttpResponse<String> response = new Browser().get(authorizeUri(request));
        assertEquals(allowed ? 200 : 400, response.statusCode(), uri);
    }

    /** Requests with a good client and redirect URI but a bad rest: the error goes to the redirect URI. */
    static Stream<Arguments> redirectedErrors() {
        return Stream.of(
                Arguments.of("no code_challenge", "code_challenge", null, "invalid_request"),
                Arguments.of("plain method", "code_challenge_method", "plain", "invalid_request"),
                Arguments.of("no method (plain by default)", "code_challenge_method", null, "invalid_request"),
                Arguments.of("challenge too short", "code_challenge", "abc", "invalid_request"),
                Arguments.of("response_type token", "response_type", "token", "unsupported_response_type"),
                Arguments.of("no response_type", "response_type", null, "unsupported_response_type"),
                Arguments.of("scope the client may not have", "scope", "admin", "invalid_scope"),
                Arguments.of("malformed scope", "scope", "a  b", "invalid_scope"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("redirectedErrors")
    void authorizeWhenRequestInvalidThenErrorRedirectWithState(String why, String name, String value, String error) {
        Map<String, String> request = acmeRequest(ACME_SCOPE);
        if (value == null) {
            request.remove(name);
        } else {
            request.put(name, value);
        }
        HttpResponse<String> response = new Browser().get(authorizeUri(request));
        assertEquals(302, response.statusCode(), why + ": " + response.body());
        String location = Api.header(response, "Location");
        assertTrue(location.startsWith(acmeCallback() + "?"), location);
        Map<String, String> answer = Browser.query(location);
        assertEquals(error, answer.get("error"), why);
        assertEquals(request.get("state"), answer.get("state"));
        assertEquals(base.toString(), answer.get("iss"));
        assertNull(answer.get("code"));
    }

    static Stream<Arguments> deniedUsers() {
        return Stream.of(
                // user | client
                Arguments.of("dave", "acme-web"),
                Arguments.of("carol", "acme-web"),
                Arguments.of("alice", "paas-cli"));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("deniedUsers")
    void signInWhenUserHoldsNoneOfTheScopeThenAccessDeniedToTheRedirectUri(String user, String client) {
        Map<String, String> request = client.equals("acme-web") ? acmeRequest(ACME_SCOPE) : cliRequest(4000);
        HttpResponse<String> response = consentPage(new Browser(), request, user);
        assertEquals(303, response.statusCode(), response.body());
        Map<String, String> answer = Browser.query(Api.header(response, "Location"));
        assertEquals("access_denied", answer.get("error"));
        assertEquals(request.get("state"), answer.get("state"));
        assertNull(answer.get("code"));
    }

    static Stream<String> states() {
        return Stream.of("plain", "with space & ampersand=equals", "<script>alert(1)</script>", "ünïcødé", "%41");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("states")
    void codeFlowWhenStateHasSpecialCharactersThenEchoedExactlyAndNeverOnThePage(String state) {
        Browser browser = new Browser();
        Map<String, String> request = acmeRequest(ACME_SCOPE);
        request.put("state", state);
        HttpResponse<String> consent = consentPage(browser, request, "alice");
        assertFalse(consent.body().contains("<script>alert"), "nothing of the request is reflected unescaped");
        HttpResponse<String> redirect = browser.submit(base, consent, Map.of("decision", "allow"));
        assertEquals(state, Browser.query(Api.header(redirect, "Location")).get("state"));
    }

    @Test
    void consentWhenDeniedThenAccessDeniedWithState() {
        Browser browser = new Browser();
        Map<String, String> request = acmeRequest(ACME_SCOPE);
        HttpResponse<String> redirect = browser.submit(base, consentPage(browser, request, "alice"),
                Map.of("decision", "deny"));
        assertEquals(303, redirect.statusCode());
        Map<String, String> answer = Browser.query(Api.header(redirect, "Location"));
        assertEquals("access_denied", answer.get("error"));
        assertEquals(request.get("state"), answer.get("state"));
    }

    /** Token-endpoint failures of a code: each one invalid_grant (or invalid_request for a missing part). */
    static Stream<Arguments> exchangeFailures() {
        return Stream.of(
                // why | client | redirect (null: the one of the request) | verifier | error
                Arguments.of("wrong verifier", "acme-web", null, VERIFIER.replace('d', 'e'), "invalid_grant"),
                Arguments.of("other redirect_uri", "acme-web", "http://127.0.0.1:@/demo/callback", VERIFIER,
                        "invalid_grant"),
                Arguments.of("another client's code", "paas-cli", null, VERIFIER, "invalid_grant"),
                Arguments.of("verifier too short", "acme-web", null, "short", "invalid_request"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exchangeFailures")
    void exchangeWhenCodeDoesNotMatchThenRefused(String why, String client, String redirect, String verifier,
                                                 String error) {
        Map<String, String> answer = codeFor(new Browser(), acmeRequest(ACME_SCOPE), "alice");
        String redirectUri = redirect == null ? acmeCallback()
                : redirect.replace("@", String.valueOf(base.getPort()));
        HttpResponse<String> token = exchange(client, answer.get("code"), redirectUri, verifier);
        assertEquals(400, token.statusCode(), token.body());
        assertEquals(error, Api.json(token).get("error"), why);
        assertFalse(token.body().contains(answer.get("code")), "the code is not echoed");
    }

    @Test
    void exchangeWhenCodeUsedTwiceThenRefusedAndFirstRefreshTokenRevoked() {
        Map<String, String> answer = codeFor(new Browser(), acmeRequest(ACME_SCOPE), "alice");
        HttpResponse<String> first = exchange("acme-web", answer.get("code"), acmeCallback(), VERIFIER);
        assertEquals(200, first.statusCode(), first.body());
        HttpResponse<String> second = exchange("acme-web", answer.get("code"), acmeCallback(), VERIFIER);
        assertEquals(400, second.statusCode());
        assertEquals("invalid_grant", Api.json(second).get("error"));
        HttpResponse<String> refreshed = refresh("acme-web", (String) Api.json(first).get("refresh_token"));
        assertEquals(400, refreshed.statusCode(), "the first use's refresh token is revoked");
        assertEquals("invalid_grant", Api.json(refreshed).get("error"));
    }

    @Test
    void refreshWhenRotatedTokenReusedThenWholeChainRevoked() {
        Map<String, String> answer = codeFor(new Browser(), acmeRequest(ACME_SCOPE), "bob");
        String r1 = (String) Api.json(exchange("acme-web", answer.get("code"), acmeCallback(), VERIFIER))
                .get("refresh_token");
        HttpResponse<String> rotated = refresh("acme-web", r1);
        assertEquals(200, rotated.statusCode(), rotated.body());
        String r2 = (String) Api.json(rotated).get("refresh_token");
        assertEquals("bob", subject(Api.json(rotated)));

        HttpResponse<String> reuse = refresh("acme-web", r1);
        assertEquals(400, reuse.statusCode());
        assertEquals("invalid_grant", Api.json(reuse).get("error"));
        HttpResponse<String> afterReuse = refresh("acme-web", r2);
        assertEquals(400, afterReuse.statusCode(), "RFC 9700 4.14.2: the live token of the chain is revoked too");
        assertEquals("invalid_grant", Api.json(afterReuse).get("error"));
    }

    private static String subject(Map<String, Object> body) {
        try {
            return claims(body).getSubject();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Forged or cookieless form posts: 403, no redirect, nothing signed in. */
    static Stream<Arguments> forgedForms() {
        return Stream.of(
                // why | form | drop the cookie | replace csrf
                Arguments.of("sign-in, wrong csrf", "signin", false, "forged"),
                Arguments.of("sign-in, no csrf", "signin", false, null),
                Arguments.of("sign-in, no session cookie", "signin", true, "keep"),
                Arguments.of("consent, wrong csrf", "consent", false, "forged"),
                Arguments.of("consent, no session cookie", "consent", true, "keep"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedForms")
    void formPostWhenCsrfTokenOrCookieMissingThenForbidden(String why, String which, boolean dropCookie,
                                                          String csrf) throws Exception {
        Browser browser = new Browser();
        Map<String, String> request = acmeRequest(ACME_SCOPE);
        HttpResponse<String> page = browser.get(authorizeUri(request));
        Map<String, String> fields = Browser.hiddenFields(page.body());
        String path = AuthorizationEndpoint.SIGNIN_PATH;
        fields.put("username", "alice");
        fields.put("password", Directory.passwordOf("alice"));
        if (which.equals("consent")) {
            HttpResponse<String> consent = browser.submit(base, page, Map.of("username", "alice",
                    "password", Directory.passwordOf("alice")));
            fields = Browser.hiddenFields(consent.body());
            fields.put("decision", "allow");
            path = AuthorizationEndpoint.CONSENT_PATH;
        }
        if (csrf == null) {
            fields.remove("csrf");
        } else if (!csrf.equals("keep")) {
            fields.put("csrf", csrf);
        }
        if (dropCookie) {
            browser.cookies.clear();
        }
        HttpResponse<String> response = browser.post(base.resolve(path), fields);
        assertEquals(403, response.statusCode(), why + ": " + response.body());
        assertNull(Api.header(response, "Location"));
        assertEquals("text/html", Api.mediaType(Api.header(response, "Content-Type")));
    }

    @Test
    void consentWhenPostedTwiceThenSecondIsRefused() {
        Browser browser = new Browser();
        HttpResponse<String> consent = consentPage(browser, acmeRequest(ACME_SCOPE), "alice");
        assertEquals(303, browser.submit(base, consent, Map.of("decision", "allow")).statusCode());
        HttpResponse<String> again = browser.submit(base, consent, Map.of("decision", "allow"));
        assertEquals(400, again.statusCode());
        assertNull(Api.header(again, "Location"));
    }

    static Stream<Arguments> badSignIns() {
        return Stream.of(
                Arguments.of("alice", "wrong"),
                Arguments.of("mallory", "mallory-password"),
                Arguments.of("alice", "bob-password"),
                Arguments.of("alice", ""),
                Arguments.of("", "alice-password"));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("badSignIns")
    void signInWhenEitherHalfWrongThenSameAnswer(String user, String password) {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(authorizeUri(acmeRequest(ACME_SCOPE)));
        HttpResponse<String> wrongPassword = browser.submit(base, page, Map.of("username", "alice",
                "password", "alice-wrong"));
        HttpResponse<String> response = browser.submit(base, page, Map.of("username", user, "password", password));
        assertEquals(200, response.statusCode());
        assertEquals(wrongPassword.body(), response.body(), "one answer whichever half was wrong");
        assertTrue(response.body().contains("The user name or password is incorrect."));
        assertFalse(response.body().contains("action=\"/oauth2/v1/consent\""));
    }

    @Test
    void pagesWhenServedThenFrameDeniedCspAndSessionCookieHttpOnlyLax() {
        Browser browser = new Browser();
        HttpResponse<String> signIn = browser.get(authorizeUri(acmeRequest(ACME_SCOPE)));
        HttpResponse<String> consent = browser.submit(base, signIn, Map.of("username", "alice",
                "password", Directory.passwordOf("alice")));
        HttpResponse<String> error = browser.get(base.resolve(AuthorizationEndpoint.PATH + "?client_id=x"));
        for (HttpResponse<String> page : List.of(signIn, consent, error)) {
            assertEquals("DENY", Api.header(page, "X-Frame-Options"));
            assertTrue(Api.header(page, "Content-Security-Policy").contains("frame-ancestors 'none'"));
            assertTrue(Api.header(page, "Content-Security-Policy").contains("default-src 'none'"));
            assertEquals("no-store", Api.header(page, "Cache-Control"));
            assertFalse(page.body().contains("<script"), "no JavaScript");
            assertTrue(page.body().contains("name=\"viewport\""), "reads on a phone");
        }
        for (HttpResponse<String> page : List.of(signIn, consent)) {
            String cookie = page.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith("dev_issuer_session=")).findFirst().orElseThrow();
            assertTrue(cookie.contains("; HttpOnly"), cookie);
            assertTrue(cookie.contains("; SameSite=Lax"), cookie);
        }
        String before = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String after = consent.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertFalse(before.equals(after), "a new session id at sign-in (session fixation)");
    }

    @Test
    void signedInSessionWhenAuthorizingAgainThenConsentWithoutSignIn() {
        Browser browser = new Browser();
        codeFor(browser, acmeRequest(ACME_SCOPE), "alice");
        HttpResponse<String> again = browser.get(authorizeUri(acmeRequest(ACME_SCOPE)));
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("action=\"/oauth2/v1/consent\""), again.body());
    }

    @Test
    void tokenEndpointWhenBrowserClientAsksClientCredentialsThenUnauthorizedClient() {
        HttpResponse<String> response = api.tokenRequest("acme-web", "grant_type=client_credentials");
        assertEquals(400, response.statusCode());
        assertEquals("unauthorized_client", Api.json(response).get("error"));
        HttpResponse<String> publicClient = api.tokenRequest(null, "grant_type=client_credentials&client_id=paas-cli");
        assertEquals("unauthorized_client", Api.json(publicClient).get("error"));
        HttpResponse<String> secret = api.tokenRequest(null,
                "grant_type=client_credentials&client_id=paas-cli&client_secret=paas-cli-secret");
        assertEquals(401, secret.statusCode(), "a public client has no secret to authenticate with");
    }

    @Test
    void metadataWhenFetchedThenListsTheCodeFlow() {
        Map<String, Object> metadata = Api.json(api.send("GET", "/.well-known/oauth-authorization-server", null, null));
        assertEquals(base + AuthorizationEndpoint.PATH, metadata.get("authorization_endpoint"));
        assertTrue(((List<?>) metadata.get("grant_types_supported")).contains("authorization_code"));
        assertEquals(List.of("code"), metadata.get("response_types_supported"));
        assertEquals(List.of("S256"), metadata.get("code_challenge_methods_supported"));
        assertEquals(true, metadata.get("authorization_response_iss_parameter_supported"));
    }

    @Test
    void flowPathWhenMethodNoRuleAllowsThenProblemJsonNotHtml() {
        HttpResponse<String> response = Api.send(HttpRequest.newBuilder(base.resolve(AuthorizationEndpoint.PATH))
                .POST(HttpRequest.BodyPublishers.ofString("a=b")).header("Content-Type", "application/json"));
        // No policy rule has POST for the authorization endpoint: the filter denies it before the servlet.
        assertEquals(403, response.statusCode());
        assertEquals("application/problem+json", Api.mediaType(Api.header(response, "Content-Type")));
    }
}
