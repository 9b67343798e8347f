package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_READ;
import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_WRITE;
import static io.scopeenforcer.servlet.Denials.assertDenied;
import static io.scopeenforcer.servlet.Denials.assertReached;
import static io.scopeenforcer.servlet.Problems.assertNothingEchoed;
import static io.scopeenforcer.servlet.Problems.none;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The filter never reads, parses or consumes a request body (docs/architecture.md, README "the body is the
 * application's"): a bad {@code charset}, a malformed or huge form, or a form carrying {@code _method} or
 * {@code access_token} changes nothing in the decision; an allowed request reaches the application with its body
 * byte-identical, and {@code _method} / {@code access_token} hidden from its parameters. The query string, read
 * raw, still refuses both names (RFC 6750 §2.3 is not supported; a method override could bypass a rule).
 */
@OnEachContainer
class FormBodyTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    private static final String WRITER = IDP.token().scope(ANALYTICS_READ + " " + ANALYTICS_WRITE).sign();
    private static final String READER = IDP.token().scope(ANALYTICS_READ).sign();
    /** A valid token that only ever travels in a body or query, never as a credential. */
    private static final String STRAY = IDP.token().scope(ANALYTICS_READ + " " + ANALYTICS_WRITE).sign();
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String ROUTE = "/paas/analytics/x";
    private static final String QUERY_TOKEN = "a token in the query string is not accepted; use the Authorization header";
    private static final String METHOD_PARAM = "the _method parameter is not accepted";

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP).deploy("/");

    @Parameter
    FilterContainer container;

    private static Request post(String target, String contentType, String body, String... headers) {
        List<String> all = new ArrayList<>(List.of(headers));
        if (contentType != null) {
            all.add("Content-Type");
            all.add(contentType);
        }
        return new Request("POST", target, all, body, null);
    }

    private static String sha256(String body) {
        return FilterServer.EchoServlet.sha256(body.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertBodyIntact(Reply reply, String contentType, String body) {
        assertReached(reply);
        Map<String, String> echo = reply.echo();
        assertEquals(Integer.toString(body.getBytes(StandardCharsets.UTF_8).length), echo.get("bodyLength"));
        assertEquals(sha256(body), echo.get("bodySha256"), "the body reached the application byte-identical");
        assertEquals(contentType == null ? "" : contentType, echo.get("contentType"), "Content-Type untouched");
    }

    // ---- 1. A bad charset in Content-Type: decided as if there were no body.

    static Stream<String> badContentTypes() {
        return Stream.of("text/plain; charset=bogus", "text/plain; charset=$$", FORM + "; charset=bogus",
                FORM + "; charset=", FORM + ";charset=\"\"", "text/plain; charset=\"j\\\"unk;;\"",
                "text/plain; charset=\"utf-8", FORM + "; charset=utf-8; charset=bogus", "application/json; charset=utf-99",
                "multipart/form-data; boundary=; charset=bogus", "text/plain; charset=" + "x".repeat(2000), ";;;=",
                "charset=bogus");
    }

    /** What is asked with the bad Content-Type, and the filter's answer. */
    enum Ask {
        PUBLIC_ROUTE, PROTECTED_WITH_TOKEN, PROTECTED_WITHOUT_TOKEN, PROTECTED_WITH_TOO_LITTLE_SCOPE, NO_RULE
    }

    static Stream<Arguments> charsetRows() {
        return badContentTypes().flatMap(type -> Stream.of(Ask.values()).map(ask -> Arguments.of(ask, type)));
    }

    @ParameterizedTest(name = "{0} with Content-Type {1}")
    @MethodSource("charsetRows")
    void filterWhenContentTypeCharsetIsBadThenDecidesAsWithoutBody(Ask ask, String contentType, FilterServer server) {
        String body = "a=1&b=caf%C3%A9";
        Reply reply = switch (ask) {
            case PUBLIC_ROUTE -> server.send(new Request("GET", "/health", List.of("Content-Type", contentType,
                    "X-Echo", "body"), body, null));
            case PROTECTED_WITH_TOKEN -> server.send(post(ROUTE, contentType, body, "Authorization",
                    "Bearer " + WRITER, "X-Echo", "body"));
            case PROTECTED_WITHOUT_TOKEN -> server.send(post(ROUTE, contentType, body, "X-Echo", "body"));
            case PROTECTED_WITH_TOO_LITTLE_SCOPE -> server.send(post(ROUTE, contentType, body, "Authorization",
                    "Bearer " + READER, "X-Echo", "body"));
            case NO_RULE -> server.send(post("/nowhere", contentType, body, "Authorization", "Bearer " + WRITER,
                    "X-Echo", "body"));
        };
        assertNothingEchoed(reply, WRITER, READER);
        switch (ask) {
            case PUBLIC_ROUTE, PROTECTED_WITH_TOKEN -> assertBodyIntact(reply, contentType, body);
            case PROTECTED_WITHOUT_TOKEN -> assertDenied(reply, 401, "a bearer token is required", "missing_token",
                    List.of(ANALYTICS_WRITE));
            case PROTECTED_WITH_TOO_LITTLE_SCOPE -> assertDenied(reply, 403, "the token lacks " + ANALYTICS_WRITE,
                    "insufficient_scope", List.of(ANALYTICS_WRITE));
            case NO_RULE -> assertDenied(reply, 403, "no policy rule allows this request", "no_rule", none());
        }
        if (ask == Ask.PROTECTED_WITH_TOKEN) {
            assertEquals("alice", reply.echo().get("principal"));
        }
    }

    // ---- 2. The body reaches the application untouched.

    static Stream<Arguments> bodies() {
        String keys = IntStream.range(0, 2000).mapToObj(i -> "k" + i + "=" + i).collect(Collectors.joining("&"));
        return Stream.of(
                Arguments.of("malformed escape", FORM, "a=%ZZ"),
                Arguments.of("truncated escape", FORM, "a=%"),
                Arguments.of("300 KB form", FORM, "a=" + "x".repeat(300 * 1024)),
                Arguments.of("2,000 keys", FORM, keys),
                Arguments.of("bad charset", FORM + "; charset=bogus", "a=caf%E9"),
                Arguments.of("_method=DELETE", FORM, "_method=DELETE"),
                Arguments.of("access_token of a valid token", FORM, "access_token=" + STRAY),
                Arguments.of("empty names and values", FORM, "=&=&&"),
                Arguments.of("control characters", FORM, "a=%00%0D%0A\u0001"),
                Arguments.of("non-ASCII UTF-8", FORM, "a=caf\u00e9\uD83D\uDE00"),
                Arguments.of("empty body", FORM, ""),
                Arguments.of("300 KB of text", "text/plain", "y".repeat(300 * 1024)),
                Arguments.of("no Content-Type", null, "_method=DELETE&access_token=" + STRAY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void filterWhenFormBodyIsHostileThenApplicationReadsItByteIdentical(String name, String contentType, String body,
            FilterServer server) {
        Reply reply = server.send(post(ROUTE, contentType, body, "Authorization", "Bearer " + WRITER,
                "X-Echo", "body"));
        assertBodyIntact(reply, contentType, body);
        assertEquals("alice", reply.echo().get("principal"), "a body token never replaces the header's");
        assertNothingEchoed(reply, WRITER, STRAY);
    }

    static Stream<Arguments> parameterRows() {
        return Stream.of(
                Arguments.of("_method in the body", ROUTE, "_method=DELETE&a=1", "a"),
                Arguments.of("access_token in the body", ROUTE, "access_token=" + STRAY + "&b=2", "b"),
                Arguments.of("both, several times", ROUTE, "_method=PUT&a=1&access_token=x&_method=DELETE"
                        + "&access_token=" + STRAY + "&z=9", "a,z"),
                Arguments.of("_method with an empty value", ROUTE, "_method=&a=1", "a"),
                Arguments.of("percent-encoded names", ROUTE, "%5Fmethod=DELETE&access%5Ftoken=x&c=3", "c"),
                Arguments.of("query parameters stay visible", ROUTE + "?q=1", "_method=DELETE&a=1", "a,q"),
                Arguments.of("other case is another parameter", ROUTE, "_METHOD=DELETE&ACCESS_TOKEN=x",
                        "ACCESS_TOKEN,_METHOD"),
                // 998 keys and _method: below the default of 1,000 form keys (Jetty's, and Tomcat's
                // maxParameterCount), a limit of the application's own parsing (the 2,000-key body reaches it intact
                // in the table above).
                Arguments.of("998 keys", ROUTE, IntStream.range(0, 998).mapToObj(i -> "k" + i + "=" + i)
                        .collect(Collectors.joining("&")) + "&_method=DELETE", String.join(",", IntStream.range(0,
                        998).mapToObj(i -> "k" + i).collect(Collectors.toCollection(TreeSet::new)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameterRows")
    void filterWhenFormCarriesMethodOrTokenThenApplicationNeverSeesThem(String name, String target, String body,
            String visible, FilterServer server) {
        Reply reply = server.send(post(target, FORM, body, "Authorization", "Bearer " + WRITER, "X-Echo", "params"));
        assertReached(reply);
        Map<String, String> echo = reply.echo();
        assertEquals(visible, echo.get("params"));
        assertEquals("", echo.get("_method"), "getParameter(\"_method\") is null");
        assertEquals("", echo.get("access_token"), "getParameterValues(\"access_token\") is null");
        assertEquals("POST", echo.get("method"));
        assertEquals("alice", echo.get("principal"));
        assertNothingEchoed(reply, WRITER, STRAY);
    }

    static Stream<Arguments> formTokensWithoutHeader() {
        return Stream.of(
                Arguments.of("form access_token", FORM, "access_token=" + STRAY),
                Arguments.of("form access_token with a charset", FORM + "; charset=UTF-8", "a=1&access_token=" + STRAY),
                Arguments.of("form access_token with a bad charset", FORM + "; charset=bogus", "access_token=" + STRAY),
                Arguments.of("form access_token, percent-encoded name", FORM, "access%5Ftoken=" + STRAY),
                Arguments.of("access_token in a text body", "text/plain", "access_token=" + STRAY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formTokensWithoutHeader")
    void filterWhenTokenOnlyInBodyThenBareChallenge(String name, String contentType, String body,
            FilterServer server) {
        Reply reply = server.send(post(ROUTE, contentType, body, "X-Echo", "params"));
        // RFC 6750 §2.2 is not supported: a form token is no credential, so this is "no token" (§3.1: no error code).
        assertDenied(reply, 401, "a bearer token is required", "missing_token", List.of(ANALYTICS_WRITE));
        assertNothingEchoed(reply, STRAY);
    }

    static Stream<Arguments> queryRows() {
        return Stream.of(
                Arguments.of("?_method=DELETE", METHOD_PARAM),
                Arguments.of("?%5Fmethod=DELETE", METHOD_PARAM),
                Arguments.of("?%5fmethod=DELETE", METHOD_PARAM),
                Arguments.of("?_%6Dethod=DELETE", METHOD_PARAM),
                Arguments.of("?_method=", METHOD_PARAM),
                Arguments.of("?_method", METHOD_PARAM),
                Arguments.of("?q=a+b&_method=DELETE", METHOD_PARAM),
                Arguments.of("?q=a+b+c&&_method=PUT&r=1", METHOD_PARAM),
                Arguments.of("?access_token=" + STRAY, QUERY_TOKEN),
                Arguments.of("?access%5Ftoken=" + STRAY, QUERY_TOKEN),
                Arguments.of("?access%5ftoken=x", QUERY_TOKEN),
                Arguments.of("?%61ccess_token=x", QUERY_TOKEN),
                Arguments.of("?access_token=", QUERY_TOKEN),
                Arguments.of("?access_token", QUERY_TOKEN),
                Arguments.of("?q=a+b&access_token=x", QUERY_TOKEN),
                Arguments.of("?a=%ZZ&access_token=x", QUERY_TOKEN),
                Arguments.of("?=&&access_token=x&_method=GET", QUERY_TOKEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queryRows")
    void filterWhenQueryCarriesMethodOrTokenThen400(String query, String detail, FilterServer server) {
        // Raw requests: java.net.URI refuses a malformed escape such as %ZZ, a hostile client does not.
        for (String token : new String[] {WRITER, null}) {
            String auth = token == null ? "X-No-Auth: 1" : "Authorization: Bearer " + token;
            Reply get = server.send(Request.raw("GET " + ROUTE + query + " HTTP/1.1", auth, "X-Echo: params"));
            assertDenied(get, 400, detail, "invalid_request", null);
            Reply form = server.send(rawWithBody("POST " + ROUTE + query + " HTTP/1.1", "a=1", auth,
                    "X-Echo: params", "Content-Type: " + FORM));
            assertDenied(form, 400, detail, "invalid_request", null);
            Reply publicRoute = server.send(Request.raw("GET /health" + query + " HTTP/1.1", auth, "X-Echo: params"));
            assertDenied(publicRoute, 400, detail, "invalid_request", null);
            assertNothingEchoed(get, WRITER, STRAY);
        }
    }

    /** A raw HTTP/1.1 request with a body (ASCII) and its Content-Length. */
    static Request rawWithBody(String requestLine, String body, String... headerLines) {
        StringBuilder text = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
        for (String line : headerLines) {
            text.append(line).append("\r\n");
        }
        text.append("Content-Length: ").append(body.length()).append("\r\nConnection: close\r\n\r\n").append(body);
        return new Request(null, requestLine, List.of(), null, text.toString());
    }

    // ---- Permissive mode: a would-be denial passes, with the parameters hidden all the same.

    static Stream<Arguments> permissiveRows() {
        return Stream.of(
                Arguments.of("no token, form _method and access_token", ROUTE, FORM,
                        "_method=DELETE&access_token=" + STRAY + "&a=1", "a"),
                Arguments.of("_method in the query", ROUTE + "?_method=DELETE&q=1", FORM, "b=2", "b,q"),
                Arguments.of("access_token in the query", ROUTE + "?access_token=" + STRAY, FORM, "b=2", "b"),
                Arguments.of("no rule, form _method", "/nowhere", FORM, "_method=DELETE", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("permissiveRows")
    void filterWhenPermissiveAndWouldDenyThenPassesWithParametersHidden(String name, String target,
            String contentType, String body, String visible) {
        Map<String, String> params = HARNESS.params();
        params.put("mode", "permissive");
        try (FilterServer permissive = HARNESS.start(container, "/", params)) {
            Reply reply = permissive.send(post(target, contentType, body, "X-Echo", "params"));
            assertReached(reply);
            Map<String, String> echo = reply.echo();
            assertEquals(visible, echo.get("params"));
            assertEquals("", echo.get("_method"));
            assertEquals("", echo.get("access_token"));
            assertEquals("", echo.get("principal"), "a would-be denial carries no identity");
            assertEquals("", echo.get("subject"));
            assertNothingEchoed(reply, STRAY);
        }
    }
}
