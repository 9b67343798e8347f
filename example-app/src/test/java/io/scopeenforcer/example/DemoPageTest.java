package io.scopeenforcer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.example.issuer.Directory;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The demo page and its callback: acme-web runs the code flow and calls three APIs with the token. */
class DemoPageTest {

    private final Api api = Api.shared();

    /** From the demo page's start to the callback page, as {@code user} allowing (or denying) consent. */
    private HttpResponse<String> run(Browser browser, String user, boolean allow) {
        HttpResponse<String> start = browser.get(api.base().resolve("/demo?action=start"));
        assertEquals(302, start.statusCode(), start.body());
        HttpResponse<String> signIn = browser.get(URI.create(Api.header(start, "Location")));
        assertEquals(200, signIn.statusCode(), signIn.body());
        HttpResponse<String> consent = browser.submit(api.base(), signIn,
                Map.of("username", user, "password", Directory.passwordOf(user)));
        HttpResponse<String> back = consent.statusCode() == 303 ? consent
                : browser.submit(api.base(), consent, Map.of("decision", allow ? "allow" : "deny"));
        assertEquals(303, back.statusCode(), back.body());
        String location = Api.header(back, "Location");
        assertTrue(location.startsWith(api.base() + "/demo/callback?"), location);
        return browser.get(URI.create(location));
    }

    static Stream<Arguments> users() {
        return Stream.of(
                // user | dropped scopes shown | status of /whoami, applications, the realm (realms:read dropped)
                Arguments.of("alice", List.of("tenants:read", "realms:read"), List.of(200, 200, 403)),
                Arguments.of("bob", List.of("tenants:read", "applications:create", "groups:update"),
                        List.of(200, 200, 403)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("users")
    void callbackWhenSignedInThenShowsGrantedDroppedAndApiResults(String user, List<String> dropped,
                                                                  List<Integer> statuses) {
        HttpResponse<String> page = run(new Browser(), user, true);
        assertEquals(200, page.statusCode(), page.body());
        String body = page.body();
        assertTrue(body.contains("<title>Signed in</title>"), body);
        String droppedSection = body.substring(body.indexOf("Dropped"), body.indexOf("The app's APIs"));
        for (String scope : dropped) {
            assertTrue(droppedSection.contains("<code>" + scope + "</code>"), scope);
        }
        List<String> calls = List.of("/whoami", "/v1/tenants/acme/realms/prod/applications",
                "/v1/tenants/globex/realms/main/applications");
        for (int i = 0; i < calls.size(); i++) {
            assertTrue(body.contains("<code>GET " + calls.get(i) + "</code></td><td class=\"status\">" + statuses.get(i)),
                    calls.get(i) + " in " + body);
        }
        assertTrue(body.contains("A refresh token was issued."));
        assertFalse(body.contains("eyJ"), "no token on the page");
    }

    @Test
    void callbackWhenUserHoldsNothingThenAccessDeniedShown() {
        HttpResponse<String> page = run(new Browser(), "dave", true);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<code>access_denied</code>"), page.body());
    }

    @Test
    void callbackWhenConsentDeniedThenAccessDeniedShown() {
        HttpResponse<String> page = run(new Browser(), "alice", false);
        assertTrue(page.body().contains("<code>access_denied</code>"), page.body());
    }

    static Stream<Arguments> foreignCallbacks() {
        return Stream.of(
                Arguments.of("no state", "/demo/callback?code=x"),
                Arguments.of("unknown state", "/demo/callback?code=x&state=forged"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foreignCallbacks")
    void callbackWhenNotStartedByThisBrowserThenErrorPage(String why, String path) {
        HttpResponse<String> page = new Browser().get(api.base().resolve(path));
        assertEquals(400, page.statusCode(), why);
        assertEquals("text/html", Api.mediaType(Api.header(page, "Content-Type")));
    }

    @Test
    void callbackWhenAnotherBrowserReturnsTheAnswerThenRefused() {
        Browser victim = new Browser();
        HttpResponse<String> start = victim.get(api.base().resolve("/demo?action=start"));
        Browser attacker = new Browser();
        HttpResponse<String> signIn = attacker.get(URI.create(Api.header(start, "Location")));
        HttpResponse<String> consent = attacker.submit(api.base(), signIn,
                Map.of("username", "alice", "password", Directory.passwordOf("alice")));
        HttpResponse<String> back = attacker.submit(api.base(), consent, Map.of("decision", "allow"));
        // The attacker's browser lacks the victim's demo_client cookie: login CSRF refused (RFC 6749 §10.12).
        HttpResponse<String> page = attacker.get(URI.create(Api.header(back, "Location")));
        assertEquals(400, page.statusCode());
    }

    @Test
    void demoPageWhenFetchedThenHtmlFormWithoutScriptAndFramingDenied() {
        HttpResponse<String> page = new Browser().get(api.base().resolve("/demo"));
        assertEquals(200, page.statusCode());
        assertEquals("text/html", Api.mediaType(Api.header(page, "Content-Type")));
        assertTrue(page.body().contains("<form method=\"get\" action=\"/demo\">"));
        assertFalse(page.body().contains("<script"));
        assertEquals("DENY", Api.header(page, "X-Frame-Options"));
        assertNull(Api.header(page, "Set-Cookie"), "no cookie before the flow starts");
    }
}
