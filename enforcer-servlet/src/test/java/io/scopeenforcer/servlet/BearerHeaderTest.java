package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.Problems.assertNot5xx;
import static io.scopeenforcer.servlet.Problems.assertNothingEchoed;
import static io.scopeenforcer.servlet.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.TestIssuer;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 6750 §2.1 header parsing and the refusals around it (token in query or body, method overrides), over
 * HTTP with a valid token, on Jetty 12 and Tomcat 11; the header parser alone, for what the containers would not
 * let through, is tested in core ({@code BearerHeaderParseTest}).
 */
@OnEachContainer
class BearerHeaderTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    private static final String TOKEN = IDP.token().scope(DemoScopes.ANALYTICS_READ + " "
            + DemoScopes.ANALYTICS_WRITE).sign();
    private static final String CHALLENGE = "Bearer realm=\"api\", resource_metadata=\"" + FilterServer.METADATA_URL
            + "\"";
    private static final String QUERY_TOKEN = "a token in the query string is not accepted; use the Authorization header";
    private static final String OVERRIDE = "method override headers are not accepted";
    private static final String METHOD_PARAM = "the _method parameter is not accepted";

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP).deploy("/");

    @Parameter
    FilterContainer container;

    private static Function<String, Request> auth(String value) {
        return t -> Request.of("GET", "/me", "Authorization", value.replace("T", t));
    }

    private static Function<String, Request> rawAuth(String value) {
        return t -> Request.raw("GET /me HTTP/1.1", "Authorization: " + value.replace("T", t));
    }

    /** Status 200 means allowed as alice; 401 is a bare challenge, its description the required scope if any. */
    private static Arguments row(String name, Function<String, Request> request, int status, String description) {
        return Arguments.of(name, request, status, description);
    }

    static Stream<Arguments> headerCases() {
        return Stream.of(
                row("Bearer", auth("Bearer T"), 200, null),
                row("scheme in lower case", auth("bearer T"), 200, null),
                row("scheme in upper case", auth("BEARER T"), 200, null),
                row("scheme in mixed case", auth("bEaReR T"), 200, null),
                row("Bearer with no token", rawAuth("Bearer"), 400, "empty bearer token"),
                row("Bearer and spaces only", rawAuth("Bearer    "), 400, "empty bearer token"),
                row("two tokens", auth("Bearer T T"), 400, "more than one token in the Authorization header"),
                row("two tokens after a comma", auth("Bearer T, Bearer T"), 400, "malformed bearer token"),
                row("tab as separator", rawAuth("Bearer\tT"), 400, "malformed Authorization header"),
                row("colon is not a b64token character", auth("Bearer T:x"), 400, "malformed bearer token"),
                row("quote is not a b64token character", auth("Bearer \"T\""), 400, "malformed bearer token"),
                row("character after the padding", auth("Bearer T=x"), 400, "malformed bearer token"),
                row("non-ASCII byte", rawAuth("Bearer T\u00e9"), 400, "malformed bearer token"),
                row("Basic is no bearer token", auth("Basic YWxpY2U6c2VjcmV0"), 401, null),
                row("Negotiate is no bearer token", auth("Negotiate YIIBhgYGKwYBBQUCoIIBejCCAXa"), 401, null),
                row("scheme glued to the token", auth("BearerT"), 401, null),
                row("two Authorization headers, names in two cases", t -> Request.raw("GET /me HTTP/1.1",
                        "Authorization: Bearer " + t, "authorization: Bearer " + t), 400,
                        "more than one Authorization header"),
                row("Bearer and Basic headers", t -> Request.raw("GET /me HTTP/1.1", "Authorization: Basic eDp5",
                        "Authorization: Bearer " + t), 400, "more than one Authorization header"),
                // Token in the query or body (RFC 6750 §2.2, §2.3 are refused).
                row("access_token in the query", t -> Request.of("GET", "/me?access_token=" + t), 400, QUERY_TOKEN),
                row("access_token percent-encoded in the query", t -> Request.of("GET", "/me?access%5Ftoken=" + t),
                        400, QUERY_TOKEN),
                row("access_token without a value", t -> Request.of("GET", "/me?access_token", "Authorization",
                        "Bearer " + t), 400, QUERY_TOKEN),
                // The body is never read: a form token is no credential (RFC 6750 §2.2 is not supported).
                row("access_token in a form body", t -> Request.form("/paas/analytics/x", "a=1&access_token=" + t),
                        401, DemoScopes.ANALYTICS_WRITE),
                // Method overrides.
                row("X-HTTP-Method-Override", t -> Request.of("GET", "/me", "Authorization", "Bearer " + t,
                        "X-HTTP-Method-Override", "DELETE"), 400, OVERRIDE),
                row("X-HTTP-Method", t -> Request.of("GET", "/me", "Authorization", "Bearer " + t, "X-HTTP-Method",
                        "DELETE"), 400, OVERRIDE),
                row("X-Method-Override", t -> Request.of("GET", "/me", "Authorization", "Bearer " + t,
                        "X-Method-Override", "DELETE"), 400, OVERRIDE),
                row("override header name in lower case", t -> Request.of("GET", "/me", "Authorization",
                        "Bearer " + t, "x-http-method-override", "GET"), 400, OVERRIDE),
                row("override header on a public route", t -> Request.of("GET", "/health",
                        "X-HTTP-Method-Override", "DELETE"), 400, OVERRIDE),
                row("_method in the query", t -> Request.of("GET", "/me?_method=DELETE", "Authorization",
                        "Bearer " + t), 400, METHOD_PARAM),
                row("_method percent-encoded in the query", t -> Request.of("GET", "/me?%5Fmethod=DELETE",
                        "Authorization", "Bearer " + t), 400, METHOD_PARAM),
                // The body is never read; the parameter is hidden from the application (FormBodyTest).
                row("_method in a form body", t -> Request.form("/paas/analytics/x", "_method=DELETE",
                        "Authorization", "Bearer " + t), 200, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headerCases")
    void filterWhenAuthorizationVariantThenAnswer(String name, Function<String, Request> request, int status,
            String description, FilterServer server) {
        Reply reply = server.send(request.apply(TOKEN));
        assertAnswer(reply, status, description);
    }

    private static void assertAnswer(Reply reply, int status, String description) {
        assertNot5xx(reply);
        assertNothingEchoed(reply, TOKEN);
        if (status == 200) {
            assertEquals(200, reply.status(), reply::body);
            assertEquals("alice", reply.echo().get("principal"));
            return;
        }
        if (status == 401) {
            // For a 401, the description column names the route's required scope, if it has one.
            assertProblem(reply, 401, "a bearer token is required", reply.status() == 401 && description == null
                    ? expectedRequired(reply) : List.of(description));
            assertEquals(CHALLENGE, reply.header("WWW-Authenticate"), "no error code without a bearer token");
            return;
        }
        assertProblem(reply, status, description, null);
        assertEquals(CHALLENGE + ", error=\"invalid_request\", error_description=\"" + description + "\"",
                reply.header("WWW-Authenticate"));
    }

    /** /me is {@code authenticated}: it names no scope. */
    private static List<String> expectedRequired(Reply reply) {
        return reply.body().contains("required_scopes") ? List.of() : null;
    }

    /**
     * What deliberately passes. The container (Jetty and Tomcat alike) strips the header's trailing whitespace
     * before the filter sees it; the parameter checks match names exactly; a form token is looked for only in a
     * form body; a token with padding is a b64token and goes to the verifier.
     */
    static Stream<Arguments> acceptedOddities() {
        return Stream.of(
                row("several spaces after the scheme (RFC 6750: 1*SP)", auth("Bearer    T"), 200, null),
                row("trailing spaces", rawAuth("Bearer T    "), 200, null),
                row("trailing tab", rawAuth("Bearer T\t"), 200, null),
                row("ACCESS_TOKEN in upper case is another parameter", t -> Request.of("GET", "/me?ACCESS_TOKEN=x",
                        "Authorization", "Bearer " + t), 200, null),
                row("access_token in a JSON body is not a form", t -> new Request("POST", "/paas/analytics/x",
                        List.of("Authorization", "Bearer " + t, "Content-Type", "application/json"),
                        "{\"access_token\":\"x\"}", null), 200, null),
                row("_METHOD in upper case is another parameter", t -> Request.of("GET", "/me?_METHOD=DELETE",
                        "Authorization", "Bearer " + t), 200, null),
                row("empty Authorization header is no token", t -> Request.raw("GET /me HTTP/1.1", "Authorization:"),
                        401, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedOddities")
    void filterWhenAcceptedOddityThenPasses(String name, Function<String, Request> request, int status,
            String description, FilterServer server) {
        Reply reply = server.send(request.apply(TOKEN));
        assertAnswer(reply, status, description);
    }

    /**
     * Header lines the two containers parse differently (observed with Jetty 12.1 and Tomcat 11.0). An obs-fold
     * (a line starting with SP or HTAB continuing the previous field, RFC 9112 §5.2) is refused by Jetty (400 "Line
     * Folding not supported") and unfolded by Tomcat, which replaces it with SP as §5.2 permits, and the filter
     * decides on the value Tomcat hands it: {@code Bearer} + fold + token is {@code "Bearer T"}, a bearer token;
     * a value that begins on the continuation line becomes {@code " Bearer T"}, whose leading space (which a
     * one-line header would have lost as OWS, RFC 9110 §5.5) makes it no bearer credential: a 401, failing closed.
     * Space before the colon and NUL are refused by both parsers.
     */
    static Stream<Arguments> containerDifferences() {
        Answer alice = Answer.allowed();
        return Stream.of(
                Arguments.of("obs-fold inside the Authorization value", rawAuth("Bearer\r\n T"),
                        Answer.byContainer(400), alice),
                Arguments.of("obs-fold right after the Authorization name", (Function<String, Request>) t ->
                        Request.raw("GET /me HTTP/1.1", "Authorization:", "\tBearer " + t), Answer.byContainer(400),
                        Answer.denied(401, "a bearer token is required")),
                Arguments.of("obs-fold in a method override header", (Function<String, Request>) t -> Request.raw(
                        "GET /me HTTP/1.1", "Authorization: Bearer " + t, "X-HTTP-Method-Override:", " DELETE"),
                        Answer.byContainer(400), Answer.denied(400, OVERRIDE)),
                Arguments.of("obs-fold in another header", (Function<String, Request>) t -> Request.raw(
                        "GET /me HTTP/1.1", "Authorization: Bearer " + t, "X-Other: a", " b"), Answer.byContainer(400),
                        alice),
                // RFC 9112 §5.1: whitespace between the field name and the colon MUST be rejected with a 400.
                Arguments.of("space before the colon", (Function<String, Request>) t -> Request.raw("GET /me HTTP/1.1",
                        "Authorization : Bearer " + t), Answer.byContainer(400), Answer.byContainer(400)),
                // RFC 9110 §5.5: NUL is no field-value character.
                Arguments.of("NUL after the token", rawAuth("Bearer T\u0000"), Answer.byContainer(400),
                        Answer.byContainer(400)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containerDifferences")
    void containerWhenHeaderParsedDifferentlyThenExactAnswerPerContainer(String name,
            Function<String, Request> request, Answer onJetty, Answer onTomcat, FilterServer server) {
        Reply reply = Answer.on(container, onJetty, onTomcat).assertFor(server, request.apply(TOKEN), TOKEN);
        if (reply.status() == 200) {
            assertEquals("alice", reply.echo().get("principal"));
        }
    }
}
