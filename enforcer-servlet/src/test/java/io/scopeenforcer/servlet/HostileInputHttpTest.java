package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_READ;
import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_WRITE;
import static io.scopeenforcer.servlet.Denials.assertDenied;
import static io.scopeenforcer.servlet.Denials.assertReached;
import static io.scopeenforcer.servlet.Problems.assertNothingEchoed;
import static io.scopeenforcer.servlet.Problems.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests over HTTP: a {@code *} tenant or realm claim (docs/architecture.md: only the realm claim may be
 * a wildcard, a path segment {@code *} is no tenant or realm), collections nested deeper than the management-API
 * convention's two levels, absolute-form request targets (RFC 9112 §3.2.2), and a sweep of malformed requests
 * whose every answer must be a small problem document or the container's plain refusal: never a 5xx, an HTML page
 * or a stack trace.
 */
@OnEachContainer
class HostileInputHttpTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    private static final String TENANT = "the token is bound to another tenant";
    private static final String REALM = "the token is bound to another realm";
    private static final String NO_RULE = "no policy rule allows this request";
    private static final String APPS = "applications:read";
    /** Every scope the nested paths below could ask for. */
    private static final String EVERY_SCOPE = String.join(" ", APPS, "identities:read", "identities:create",
            "credentials:read", "credentials:delete", "credentials:create", "x:read", "x:create", "tenants:read",
            "realms:read", "a:read", "b:read", "c:read", ANALYTICS_READ, ANALYTICS_WRITE);

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP).deploy("/");

    @Parameter
    FilterContainer container;

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    // ---- 4. A "*" tenant or realm claim.

    static Stream<Arguments> wildcards() {
        String starBoth = IDP.token().scope(APPS).tenant("*").realm("*").sign();
        String starTenant = IDP.token().scope(APPS).tenant("*").realm("prod").sign();
        String starRealm = IDP.token().scope(APPS).tenant("acme").realm("*").sign();
        return Stream.of(
                Arguments.of("tenant * on path tenant *", starBoth, "/v1/tenants/*/realms/*/applications", 403,
                        TENANT, "tenant_mismatch"),
                Arguments.of("tenant * on path tenant %2a", starBoth, "/v1/tenants/%2a/realms/%2a/applications",
                        403, TENANT, "tenant_mismatch"),
                Arguments.of("tenant * on path tenant %2A", starBoth, "/v1/tenants/%2A/realms/%2A/applications",
                        403, TENANT, "tenant_mismatch"),
                Arguments.of("tenant * on a real tenant", starBoth, "/v1/tenants/acme/realms/prod/applications", 403,
                        TENANT, "tenant_mismatch"),
                Arguments.of("tenant * with a real realm", starTenant, "/v1/tenants/acme/realms/prod/applications",
                        403, TENANT, "tenant_mismatch"),
                Arguments.of("tenant * on the tenant itself", IDP.token().scope("tenants:read").tenant("*").sign(),
                        "/v1/tenants/*", 403, TENANT, "tenant_mismatch"),
                Arguments.of("realm * on path realm *", starRealm, "/v1/tenants/acme/realms/*/applications", 403,
                        REALM, "realm_mismatch"),
                Arguments.of("realm * on path realm %2a", starRealm, "/v1/tenants/acme/realms/%2a/applications", 403,
                        REALM, "realm_mismatch"),
                Arguments.of("realm * on path realm %2A", starRealm, "/v1/tenants/acme/realms/%2A/applications", 403,
                        REALM, "realm_mismatch"),
                Arguments.of("realm * of another tenant", starRealm, "/v1/tenants/globex/realms/prod/applications",
                        403, TENANT, "tenant_mismatch"),
                Arguments.of("realm * on a real realm of the right tenant", starRealm,
                        "/v1/tenants/acme/realms/prod/applications", 200, null, null),
                Arguments.of("realm * on another real realm of the right tenant", starRealm,
                        "/v1/tenants/acme/realms/dev/applications/a1", 200, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wildcards")
    void filterWhenWildcardClaimThenOnlyRealmWildcardOnRealRealm(String name, String token, String path, int status,
            String detail, String reason, FilterServer server) {
        Reply reply = server.get(path, "Authorization", bearer(token));
        assertNothingEchoed(reply, token);
        if (status == 200) {
            assertReached(reply);
            assertEquals("alice", reply.echo().get("principal"));
            return;
        }
        String scope = path.endsWith("/*") ? "tenants:read" : APPS;
        assertDenied(reply, status, detail, reason, List.of(scope));
    }

    // ---- 5. Collections nested deeper than two levels below a realm.

    static Stream<Arguments> nesting() {
        String acme = IDP.token().scope(EVERY_SCOPE).tenant("acme").realm("prod").sign();
        String globex = IDP.token().scope(EVERY_SCOPE).tenant("globex").realm("main").sign();
        String realm = "/v1/tenants/acme/realms/prod";
        return Stream.of(
                Arguments.of("third level", acme, "GET", realm + "/identities/i1/credentials/c1/x", 403),
                Arguments.of("third level item", acme, "GET", realm + "/identities/i1/credentials/c1/x/x1", 403),
                Arguments.of("third level create", acme, "POST", realm + "/identities/i1/credentials/c1/x", 403),
                Arguments.of("realm nested in a realm, outer tenant's token", globex, "GET",
                        "/v1/tenants/globex/realms/main/tenants/acme/realms/prod/applications", 403),
                Arguments.of("realm nested in a realm, inner tenant's token", acme, "GET",
                        "/v1/tenants/globex/realms/main/tenants/acme/realms/prod/applications", 403),
                Arguments.of("outside the convention", acme, "GET", "/a/1/b/2/c", 403),
                Arguments.of("three levels named a, b, c", acme, "GET", realm + "/a/1/b/2/c", 403),
                Arguments.of("four levels", acme, "GET", realm + "/a/1/b/2/c/3/identities", 403),
                Arguments.of("two levels: collection", acme, "GET", realm + "/identities/i1/credentials", 200),
                Arguments.of("two levels: item", acme, "GET", realm + "/identities/i1/credentials/c1", 200),
                Arguments.of("two levels: delete", acme, "DELETE", realm + "/identities/i1/credentials/c1", 200),
                Arguments.of("one level", acme, "GET", realm + "/identities/i1", 200));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nesting")
    void filterWhenCollectionsNestDeeperThanTwoLevelsThenNoRule(String name, String token, String method,
            String path, int status, FilterServer server) {
        Reply reply = server.send(Request.of(method, path, "Authorization", bearer(token)));
        assertNothingEchoed(reply, token);
        if (status == 200) {
            assertReached(reply);
            assertEquals(method, reply.echo().get("method"));
            return;
        }
        assertDenied(reply, 403, NO_RULE, "no_rule", none());
    }

    // ---- Absolute-form request targets (RFC 9112 §3.2.2): the container accepts them, the filter decides on the
    // path, the same as for the origin form.

    static Stream<Arguments> absoluteForms() {
        String reader = IDP.token().scope(ANALYTICS_READ).sign();
        return Stream.of(
                Arguments.of("granted route", reader, "/paas/analytics/x"),
                Arguments.of("granted route with a query", reader, "/paas/analytics/x?q=1"),
                Arguments.of("route of another scope", reader, "/paas/stack/x"),
                Arguments.of("no token", null, "/paas/analytics/x"),
                Arguments.of("public route", null, "/health"),
                Arguments.of("no rule", reader, "/nowhere"),
                Arguments.of("token in the query", reader, "/paas/analytics/x?access_token=abc"),
                Arguments.of("dot segment", reader, "/paas/stack/../analytics/x"),
                Arguments.of("tenant route", IDP.token().scope(APPS).tenant("acme").realm("prod").sign(),
                        "/v1/tenants/acme/realms/prod/applications"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("absoluteForms")
    void filterWhenAbsoluteFormTargetThenSameDecisionAsOriginForm(String name, String token, String path,
            FilterServer server) {
        String auth = token == null ? "X-No-Auth: 1" : "Authorization: " + bearer(token);
        Reply origin = server.send(Request.raw("GET " + path + " HTTP/1.1", auth));
        // RFC 9112 §3.2.2: with an absolute-form target the authority is the target's; the Host header sent
        // names the same one (both containers refuse a mismatch before any filter runs: PathFirewallHttpTest).
        Reply absolute = server.send(rawWithHost("GET http://127.0.0.1:" + server.port() + path + " HTTP/1.1",
                "127.0.0.1:" + server.port(), auth));
        Reply absoluteLocalhost = server.send(rawWithHost("GET http://localhost:" + server.port() + path
                + " HTTP/1.1", "localhost:" + server.port(), auth));
        for (Reply reply : List.of(absolute, absoluteLocalhost)) {
            assertEquals(origin.status(), reply.status(), reply::body);
            assertEquals(origin.header("WWW-Authenticate"), reply.header("WWW-Authenticate"));
            assertEquals(Problems.isFromFilter(origin), Problems.isFromFilter(reply));
            assertEquals(origin.echo().get("reached"), reply.echo().get("reached"));
            if (Problems.isFromFilter(origin)) {
                assertEquals(Denials.json(origin), Denials.json(reply));
            }
            assertNothingEchoed(reply, token);
        }
        assertTrue(origin.status() == 200 || Problems.isFromFilter(origin), origin::body);
    }

    private static Request rawWithHost(String requestLine, String host, String... headerLines) {
        StringBuilder text = new StringBuilder(requestLine).append("\r\nHost: ").append(host).append("\r\n");
        for (String line : headerLines) {
            text.append(line).append("\r\n");
        }
        text.append("Connection: close\r\n\r\n");
        return new Request(null, requestLine, List.of(), null, text.toString());
    }

    // ---- Methods and request targets the containers answer themselves (observed with Jetty 12.1 and Tomcat 11.0).

    /**
     * TRACE is refused by both before any filter: Jetty's {@code webdefault-ee10.xml} (every war gets it) has a
     * security constraint that forbids it, Tomcat's connector has {@code allowTrace=false}. {@code OPTIONS *}
     * (RFC 9112 §3.2.4) names no resource, so no filter is asked: Jetty answers 404, Tomcat 200 with its Allow.
     * CONNECT (RFC 9110 §9.3.6) with an authority target reaches the filter on Jetty (405: no route allows it), and
     * Tomcat answers 501 itself; with an origin-form target Jetty's parser refuses it.
     */
    static Stream<Arguments> containerAnswers() {
        String reader = IDP.token().scope(ANALYTICS_READ).sign();
        String auth = "Authorization: " + bearer(reader);
        return Stream.of(
                Arguments.of("TRACE with a token", Request.raw("TRACE /paas/analytics/x HTTP/1.1", auth),
                        Answer.byContainer(403), Answer.byContainer(405), reader),
                Arguments.of("TRACE without a token", Request.raw("TRACE /paas/analytics/x HTTP/1.1"),
                        Answer.byContainer(403), Answer.byContainer(405), reader),
                Arguments.of("OPTIONS *", Request.raw("OPTIONS * HTTP/1.1", auth), Answer.byContainer(404),
                        Answer.byContainer(200), reader),
                Arguments.of("OPTIONS on a route: the filter decides", Request.raw(
                        "OPTIONS /paas/analytics/x HTTP/1.1", auth), Answer.denied(403, NO_RULE),
                        Answer.denied(403, NO_RULE), reader),
                Arguments.of("CONNECT to an authority", Request.raw("CONNECT 127.0.0.1:80 HTTP/1.1", auth),
                        Answer.denied(405, "method not allowed"), Answer.byContainer(501), reader),
                Arguments.of("CONNECT to a path", Request.raw("CONNECT /paas/analytics/x HTTP/1.1", auth),
                        Answer.byContainer(400), Answer.byContainer(501), reader));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containerAnswers")
    void containerWhenMethodOrTargetSpecialThenExactAnswerPerContainer(String name, Request request, Answer onJetty,
            Answer onTomcat, String token, FilterServer server) {
        Answer.on(container, onJetty, onTomcat).assertFor(server, request, token);
    }

    /**
     * {@code Expect: 100-continue} (RFC 9110 §10.1.1): a server that will refuse the request should answer the
     * final status without asking for the body. The filter never reads the body, so a denial goes out as the only
     * answer on both containers (Tomcat because the harness sets {@code continueResponseTiming=onRead}, as README
     * tells Tomcat users: its default sends 100 before any filter runs); an allowed request gets its 100 when the
     * application reads the body.
     */
    @Test
    void filterWhenExpectContinueAndDeniedThenFinalAnswerWithout100(FilterServer server) {
        String writer = IDP.token().scope(ANALYTICS_READ + " " + ANALYTICS_WRITE).sign();
        String reader = IDP.token().scope(ANALYTICS_READ).sign();
        Request noToken = FormBodyTest.rawWithBody("POST /paas/analytics/x HTTP/1.1", "a=1", "Expect: 100-continue");
        Reply missing = Answer.denied(401, "a bearer token is required").assertFor(server, noToken);
        assertEquals(Denials.CHALLENGE, missing.header("WWW-Authenticate"));
        Request tooLittle = FormBodyTest.rawWithBody("POST /paas/analytics/x HTTP/1.1", "a=1", "Expect: 100-continue",
                "Authorization: " + bearer(reader));
        Answer.denied(403, "the token lacks " + ANALYTICS_WRITE).assertFor(server, tooLittle, reader);

        Request allowed = FormBodyTest.rawWithBody("POST /paas/analytics/x HTTP/1.1", "a=1", "Expect: 100-continue",
                "Authorization: " + bearer(writer), "X-Echo: body");
        Reply interim = server.send(allowed);
        assertEquals(100, interim.status(), interim::body);
        Reply last = Reply.parse(interim.body());
        assertReached(last);
        assertEquals("3", last.echo().get("bodyLength"));
        assertNothingEchoed(last, writer);
    }

    // ---- 8. A sweep of malformed requests: no HTML, no stack trace, no container internals, no 5xx.

    private static List<Request> malformed(int port) {
        List<Request> all = new ArrayList<>();
        String good = IDP.token().scope(EVERY_SCOPE).tenant("acme").realm("prod").sign();
        String auth = "Authorization: " + bearer(good);
        for (String target : List.of("/paas/analytics/%ZZ", "/paas/analytics/%", "/paas/analytics/%4", "/%00",
                "/paas/%C0%AF", "/paas/analytics/caf%E9", "/paas/analytics/x?%", "/paas/analytics/x?a=%ZZ",
                "/paas/analytics/a\u0001b", "/paas/analytics/a\u007fb", "/paas/analytics/a\u00ffb",
                "/paas/analytics/a\tb", "/paas/analytics/..%2f..%2fadmin", "/paas/analytics/%2e%2e/stack",
                "/paas/analytics/x;jsessionid=1", "//paas/analytics/x", "/v1/tenants/*/realms/*/applications",
                "/v1/tenants/acme/realms/prod/identities/i1/credentials/c1/x", "/a/1/b/2/c",
                "http://host/paas/analytics/x", "http://127.0.0.1:" + port + "/paas/analytics/x",
                "http://localhost:" + port + "/paas/../admin/v1/Users", "http://[::1/x", "https://evil/x", "*",
                "paas/analytics/x", "/paas/analytics/x?_method=DELETE", "/paas/analytics/x?access%5Ftoken=x",
                "/paas/analytics/" + "a".repeat(9000))) {
            all.add(Request.raw("GET " + target + " HTTP/1.1", auth));
            all.add(Request.raw("GET " + target + " HTTP/1.1"));
        }
        for (String header : List.of("Authorization: Bearer \u00ff\u00fe", "Authorization: Bearer a\u0001b",
                "Authorization: Bearer " + "a".repeat(20000), "Authorization: " + bearer(good) + "\u0000",
                "X-Control: a\u0001b", "Content-Type: text/plain; charset=bogus", "Content-Type: ;;;charset=$$",
                "X-HTTP-Method-Override: DELETE", "Host: ", "Transfer-Encoding: chunked, identity")) {
            all.add(Request.raw("GET /paas/analytics/x HTTP/1.1", header));
        }
        for (String line : List.of("get /paas/analytics/x HTTP/1.1",
                "PROPFIND /paas/analytics/x HTTP/1.1", "GET  /paas/analytics/x HTTP/1.1", "\u00ff /x HTTP/1.1")) {
            all.add(Request.raw(line, auth));
        }
        for (byte[] subject : List.of(new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
            String json = "{\"iss\":\"" + IDP.issuer() + "\",\"aud\":\"" + TestIssuer.DEFAULT_AUDIENCE
                    + "\",\"exp\":9999999999,\"sub\":\"";
            byte[] head = json.getBytes(StandardCharsets.UTF_8);
            byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[head.length + subject.length + tail.length];
            System.arraycopy(head, 0, payload, 0, head.length);
            System.arraycopy(subject, 0, payload, head.length, subject.length);
            System.arraycopy(tail, 0, payload, head.length + subject.length, tail.length);
            all.add(Request.raw("GET /paas/analytics/x HTTP/1.1", "Authorization: "
                    + bearer(IDP.token().rawPayloadBytes(payload).sign())));
        }
        for (Object value : List.<Object>of(1e16, 1e20, Long.MAX_VALUE, -1L, true, Map.of(), List.of())) {
            all.add(Request.raw("GET /paas/analytics/x HTTP/1.1", "Authorization: "
                    + bearer(IDP.token().scope(ANALYTICS_READ).claim("nbf", value).sign())));
            all.add(Request.raw("GET /paas/analytics/x HTTP/1.1", "Authorization: "
                    + bearer(IDP.token().scope(ANALYTICS_READ).claim("sub", value).sign())));
        }
        all.add(FormBodyTest.rawWithBody("POST /paas/analytics/x HTTP/1.1", "a=%ZZ&_method=DELETE", auth,
                "Content-Type: application/x-www-form-urlencoded; charset=bogus", "X-Echo: body"));
        all.add(FormBodyTest.rawWithBody("POST /paas/analytics/x HTTP/1.1", "a=caf\u00e9", auth,
                "Content-Type: application/x-www-form-urlencoded; charset=$$", "X-Echo: body"));
        return all;
    }

    /** Decisions the filter has made so far: to tell whether a request got as far as the filter. */
    private static long decisions(FilterServer server) {
        ScopeEnforcementFilter.Stats stats = server.filter().stats();
        return stats.allowed() + stats.deniedByReason().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Every answer: status below 500, no stack trace, no container class names. Every request that reached the
     * filter (its decision count moved) is answered by it (problem+json) or by the application: never an HTML page.
     * What the container's parser or URI checks refuse before dispatch never meets the filter; that answer is the
     * container's error page (a deployment replaces it with an error handler, as the example app does, or turns off
     * Tomcat's report and server info, README "Tomcat") and is only held to the first rules, with the container's
     * internal names ({@link FilterContainer#internalNames()}) among the forbidden text.
     */
    @Test
    void filterWhenSweptWithMalformedRequestsThenNoHtmlNoStackTraceNo5xx(FilterServer server) {
        List<String> failures = new ArrayList<>();
        int throughFilter = 0;
        List<Request> requests = malformed(server.port());
        for (Request request : requests) {
            long before = decisions(server);
            Reply reply = server.send(request);
            boolean filtered = decisions(server) > before;
            throughFilter += filtered ? 1 : 0;
            String all = reply.everything();
            List<String> forbidden = new ArrayList<>(List.of("Exception", "\tat ", "at io.", "at org."));
            forbidden.addAll(container.internalNames());
            if (filtered) {
                forbidden.addAll(List.of("<html", "<!DOCTYPE", "<HTML", "<!doctype"));
            }
            String fault = reply.status() >= 500 ? "status " + reply.status()
                    : reply.status() == 0 ? "no answer"
                    : forbidden.stream().filter(all::contains).findFirst().map(s -> "contains " + s).orElse(null);
            if (filtered && fault == null && !Problems.isFromFilter(reply) && !"true".equals(reply.echo()
                    .get("reached"))) {
                fault = "neither the filter's problem nor the application's answer";
            }
            if (fault != null) {
                failures.add(request + " (" + (filtered ? "through the filter" : "refused by the container")
                        + "): " + fault + "\n" + all);
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " bad answers:\n" + String.join("\n----\n", failures));
        // About 40 of the requests get past the container's own checks: the sweep tests the filter, not only the
        // container.
        assertTrue(throughFilter >= 30, "the sweep reaches the filter: " + throughFilter + " of " + requests.size());
    }

    /** An unknown HTTP version is refused by the container's parser (RFC 9110 §15.6.6), before any filter. */
    @Test
    void containerWhenHttpVersionUnknownThen505BeforeTheFilter(FilterServer server) {
        long before = decisions(server);
        for (String line : List.of("GET /paas/analytics/x HTTP/9.9", "GET /paas/analytics/x HTTP/1.9")) {
            Reply reply = server.send(Request.raw(line));
            assertEquals(505, reply.status(), line);
            assertNothingEchoed(reply);
            container.internalNames().forEach(name -> assertFalse(reply.everything().contains(name), reply::body));
        }
        assertEquals(before, decisions(server), "the filter never saw them");
    }
}
