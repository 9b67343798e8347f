package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.Problems.assertNot5xx;
import static io.scopeenforcer.servlet.Problems.assertNothingEchoed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.TestIssuer;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The known path-confusion bypasses as raw request lines, against a root context and an {@code /app} context.
 * The token grants {@code consumer::all} and {@code paas:analytics::read} but not the admin scope, so any
 * 200 on an admin or stack route would be a bypass. Jetty rejects many lines itself (400) before the filter
 * runs; a row marked {@code jetty} may be answered by either, a row marked {@code filter} must reach the
 * filter. Whoever answers, never 200 and never 5xx; when the filter answers, its exact status and detail.
 */
class PathFirewallHttpTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    private static final String TOKEN = IDP.token().scope(DemoScopes.CONSUMER_ALL).sign();
    private static final String ANALYTICS_TOKEN = IDP.token().scope(DemoScopes.ANALYTICS_READ).sign();
    private static final Set<Integer> REJECTED_OR_DENIED = Set.of(400, 403, 404);

    private static final String CONSUMER_ALL_DENIED = DemoScopes.CONSUMER_ALL + " never opens admin APIs";
    private static final String NO_RULE = "no policy rule allows this request";
    private static final String DOTS = "dot segment (. or ..) in the path";
    private static final String PARAMS = "path parameters (;) are not accepted";

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP).deploy("/").deploy("/app");

    /** Who may answer: the filter only, or Jetty (observed with 12.1) or the filter. */
    enum By { FILTER, JETTY }

    /**
     * @param target the request target, {@code {ctx}} standing for the context path
     * @param status the filter's status when it answers
     * @param detail the filter's problem detail when it answers, or null for "any"
     */
    private static Arguments row(String name, By by, String target, int status, String detail) {
        return Arguments.of(name, by, target, status, detail);
    }

    static Stream<Arguments> bypassShapes() {
        return Stream.of(
                row("baseline: admin with consumer::all", By.FILTER, "{ctx}/admin/v1/Users", 403, CONSUMER_ALL_DENIED),
                row("double slash //admin", By.JETTY, "{ctx}//admin/v1/Users", 400, "empty segment (//) in the path"),
                row("double slash inside", By.JETTY, "{ctx}/admin//v1/Users", 400, "empty segment (//) in the path"),
                row("/x/..;/admin (CVE-2020-1957)", By.JETTY, "{ctx}/x/..;/admin/v1/Users", 400, PARAMS),
                row("/x/../admin", By.FILTER, "{ctx}/x/../admin/v1/Users", 400, DOTS),
                row("/paas/analytics/../stack", By.FILTER, "{ctx}/paas/analytics/../stack/x", 400, DOTS),
                row("single dot segment", By.FILTER, "{ctx}/admin/./v1/Users", 400, DOTS),
                row("trailing dot segment", By.FILTER, "{ctx}/paas/stack/.", 400, DOTS),
                row("/%2e%2e/ (CVE-2021-28164)", By.JETTY, "{ctx}/%2e%2e/admin/v1/Users", 400, "encoded . in the path"),
                row("/x/%2e%2e/admin", By.JETTY, "{ctx}/x/%2e%2e/admin/v1/Users", 400, "encoded . in the path"),
                row("%2e single", By.JETTY, "{ctx}/admin/v1/%2e/Users", 400, "encoded . in the path"),
                row("/admin;x=1/ (CVE-2016-5007)", By.FILTER, "{ctx}/admin;x=1/v1/Users", 400, PARAMS),
                row("trailing ;x=1", By.FILTER, "{ctx}/admin/v1/Users;x=1", 400, PARAMS),
                row("%3b path parameter (CVE-2020-13933)", By.FILTER, "{ctx}/admin/v1/a%3bb", 400,
                        "encoded ; in the path"),
                row("/ADMIN in upper case", By.FILTER, "{ctx}/ADMIN/v1/Users", 403, NO_RULE),
                row("%61dmin decodes to the admin route", By.FILTER, "{ctx}/%61dmin/v1/Users", 403,
                        CONSUMER_ALL_DENIED),
                row("%0a (CVE-2022-22978)", By.JETTY, "{ctx}/admin/v1/Users%0a", 400,
                        "encoded control character in the path"),
                row("%0d", By.JETTY, "{ctx}/admin/v1/Users%0d", 400, "encoded control character in the path"),
                row("%00 (CVE-2021-34429)", By.JETTY, "{ctx}/admin/v1/Users%00", 400,
                        "encoded control character in the path"),
                row("%7f", By.JETTY, "{ctx}/admin/v1/a%7fb", 400, "encoded control character in the path"),
                row("%252e double encoding (CVE-2020-11989)", By.JETTY, "{ctx}/admin/v1/%252e%252e/Users", 400,
                        "encoded % (double encoding) in the path"),
                row("%25 alone", By.JETTY, "{ctx}/admin/v1/%25", 400, "encoded % (double encoding) in the path"),
                row("backslash (CVE-2007-0450)", By.JETTY, "{ctx}/admin\\v1\\Users", 400, "backslash in the path"),
                row("%5c encoded backslash", By.JETTY, "{ctx}/admin/v1/a%5cb", 400, "encoded / or \\ in the path"),
                row("%2f encoded slash", By.JETTY, "{ctx}/paas/analytics%2f..%2fstack/x", 400,
                        "encoded / or \\ in the path"),
                row("overlong UTF-8 %c0%ae (CVE-2000-0884)", By.JETTY, "{ctx}/admin/v1/%c0%ae%c0%ae/x", 400,
                        "encoded non-ASCII byte in the path"),
                row("encoded UTF-8 é", By.FILTER, "{ctx}/admin/v1/caf%C3%A9", 400, "encoded non-ASCII byte in the path"),
                row("raw byte é", By.JETTY, "{ctx}/admin/v1/caf\u00e9", 400, "non-ASCII character in the path"),
                row("raw control character", By.JETTY, "{ctx}/admin/v1/a\u0001b", 400, "control character in the path"),
                row("raw tab", By.JETTY, "{ctx}/admin/v1/a\tb", 400, null),
                row("raw |", By.JETTY, "{ctx}/admin/v1/a|b", 400, "character not allowed in a path"),
                row("raw quote", By.JETTY, "{ctx}/admin/v1/a\"b", 400, "character not allowed in a path"),
                row("bad percent-encoding", By.JETTY, "{ctx}/admin/v1/%zz", 400, "bad percent-encoding"),
                row("truncated percent-encoding", By.JETTY, "{ctx}/admin/v1/%4", 400, "bad percent-encoding"),
                row("fragment in the request line", By.JETTY, "{ctx}/admin/v1/Users#x", 400, null),
                row("absolute form, same host", By.FILTER, "http://127.0.0.1{ctx}/admin/v1/Users", 403,
                        CONSUMER_ALL_DENIED),
                row("absolute form, other host", By.JETTY, "http://admin.example.test{ctx}/admin/v1/Users", 400, null),
                row("absolute form, https scheme on a plain connector", By.FILTER, "https://127.0.0.1{ctx}/admin/v1/Users", 403,
                        CONSUMER_ALL_DENIED),
                row("relative path", By.JETTY, "admin/v1/Users", 400, "the path must start with /"),
                row("asterisk form", By.JETTY, "*", 400, null),
                row("path too long", By.FILTER, "{ctx}/paas/stack/" + "a".repeat(5000), 400, "the path is too long"),
                row("too many segments", By.FILTER, "{ctx}/paas/stack" + "/a".repeat(70), 400,
                        "the path has too many segments"));
    }

    static Stream<Arguments> bypassShapesInBothContexts() {
        List<Arguments> all = new ArrayList<>();
        bypassShapes().forEach(a -> {
            all.add(Arguments.of("/", a.get()[0], a.get()[1], a.get()[2], a.get()[3], a.get()[4]));
            all.add(Arguments.of("/app", a.get()[0], a.get()[1], a.get()[2], a.get()[3], a.get()[4]));
        });
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("bypassShapesInBothContexts")
    void filterWhenHostileRequestLineThenRejectedOrDenied(String context, String name, By by, String target,
            int status, String detail) {
        FilterServer server = HARNESS.server(context);
        Reply reply = server.send(Request.raw("GET " + target + " HTTP/1.1", "Authorization: Bearer " + TOKEN));
        assertAnswer(reply, by, status, detail);
    }

    /** Paths that only an {@code /app} context makes hostile: the context path itself disguised. */
    static Stream<Arguments> contextShapes() {
        return Stream.of(
                row("encoded context path", By.FILTER, "/%61pp/admin/v1/Users", 400,
                        "the request path is outside the context path"),
                row("path parameter on the context path", By.FILTER, "/app;x=1/admin/v1/Users", 400,
                        "the path must start with /"),
                row("dot segment out of the context", By.JETTY, "/app/../admin/v1/Users", 400, DOTS),
                row("context path in upper case", By.JETTY, "/APP/admin/v1/Users", 404, null),
                row("outside the context", By.JETTY, "/admin/v1/Users", 404, null),
                row("double slash after the context", By.JETTY, "/app//admin/v1/Users", 400,
                        "empty segment (//) in the path"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contextShapes")
    void filterWhenContextPathDisguisedThenRejectedOrDenied(String name, By by, String target, int status,
            String detail) {
        Reply reply = HARNESS.server("/app").send(Request.raw("GET " + target + " HTTP/1.1",
                "Authorization: Bearer " + TOKEN));
        assertAnswer(reply, by, status, detail);
    }

    /** Traversal from a granted route to another: the token reads analytics, never stack. */
    static Stream<Arguments> traversals() {
        return Stream.of(
                row("baseline: granted route", By.FILTER, "/paas/analytics/x", 200, null),
                row("dot-dot into stack", By.FILTER, "/paas/analytics/../stack/x", 400, DOTS),
                row("encoded dot-dot into stack", By.JETTY, "/paas/analytics/%2e%2e/stack/x", 400,
                        "encoded . in the path"),
                row("..;/ into stack", By.JETTY, "/paas/analytics/..;/stack/x", 400, PARAMS),
                row("encoded slash into stack", By.JETTY, "/paas/analytics%2f..%2fstack/x", 400,
                        "encoded / or \\ in the path"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traversals")
    void filterWhenTraversalFromGrantedRouteThenNoAccessToAnother(String name, By by, String target, int status,
            String detail) {
        Reply reply = HARNESS.server("/").send(Request.raw("GET " + target + " HTTP/1.1",
                "Authorization: Bearer " + ANALYTICS_TOKEN));
        if (status == 200) {
            assertEquals(200, reply.status(), reply::body);
            return;
        }
        assertAnswer(reply, by, status, detail);
    }

    private static void assertAnswer(Reply reply, By by, int status, String detail) {
        assertNot5xx(reply);
        assertNothingEchoed(reply, TOKEN, ANALYTICS_TOKEN);
        assertTrue(REJECTED_OR_DENIED.contains(reply.status()), () -> "not rejected: " + reply.status() + " "
                + reply.body());
        if (by == By.FILTER) {
            assertTrue(Problems.isFromFilter(reply), () -> "the filter did not answer: " + reply.status() + " "
                    + reply.headers());
        }
        if (Problems.isFromFilter(reply)) {
            assertEquals(status, reply.status(), reply::body);
            if (detail != null) {
                try {
                    assertEquals(detail, JSONObjectUtils.parse(reply.body()).get("detail"));
                } catch (ParseException e) {
                    throw new AssertionError(reply.body(), e);
                }
            }
        }
    }
}
