package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.Problems.assertNot5xx;
import static io.scopeenforcer.servlet.Problems.assertNothingEchoed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.TestIssuer;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The known path-confusion bypasses as raw request lines, against a root context and an {@code /app} context, on
 * Jetty 12 and Tomcat 11. The token grants {@code consumer::all} and {@code paas:analytics::read} but not the admin
 * scope, so any 200 on an admin or stack route would be a bypass. Each row says, per container, who answers: the
 * filter (its exact status and detail, and its decision count moves) or the container's own refusal before any
 * filter (its exact status, not a problem document, and the filter never saw it). Never 200, never 5xx.
 */
@OnEachContainer
class PathFirewallHttpTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    private static final String TOKEN = IDP.token().scope(DemoScopes.CONSUMER_ALL).sign();
    private static final String ANALYTICS_TOKEN = IDP.token().scope(DemoScopes.ANALYTICS_READ).sign();

    private static final String CONSUMER_ALL_DENIED = DemoScopes.CONSUMER_ALL + " never opens admin APIs";
    private static final String NO_RULE = "no policy rule allows this request";
    private static final String DOTS = "dot segment (. or ..) in the path";
    private static final String PARAMS = "path parameters (;) are not accepted";

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP).deploy("/").deploy("/app");

    @Parameter
    FilterContainer container;

    /**
     * Who answers, per container (observed with Jetty 12.1 and Tomcat 11.0): 0 for the filter, else the status of
     * the container's own refusal before any filter runs.
     */
    enum By {
        /** Both containers pass the line on; the filter refuses it. */
        FILTER(0, 0, 0),
        /**
         * Jetty's URI compliance refuses it (400 "Ambiguous URI ...", "Suspicious Path Character"); Tomcat passes the
         * raw line on and the filter refuses it with the same decision it makes everywhere else.
         */
        JETTY(400, 0, 0),
        /** Both containers' parsers refuse it (400): a character, escape or form no URI path may have. */
        CONTAINERS(400, 400, 400),
        /** Both containers resolve the path to outside the context, and no context is there (404). */
        NO_CONTEXT(404, 404, 404),
        /**
         * Jetty refuses the encoded dot segment (400); Tomcat decodes and resolves it: above the root is a 400, from
         * {@code /app} it leads into the root, where no context is deployed here (404; a root app's filter would see
         * the raw {@code /app/%2e%2e/...} and refuse it as an encoded dot).
         */
        JETTY_400_TOMCAT_RESOLVES(400, 400, 404);

        private final int jetty;
        private final int tomcatAtRoot;
        private final int tomcatInApp;

        By(int jetty, int tomcatAtRoot, int tomcatInApp) {
            this.jetty = jetty;
            this.tomcatAtRoot = tomcatAtRoot;
            this.tomcatInApp = tomcatInApp;
        }

        /** The container's refusal status on this container and context path, or 0 when the filter answers. */
        int refusal(FilterContainer container, String contextPath) {
            if (container == JettyContainer.INSTANCE) {
                return jetty;
            }
            if (container == TomcatContainer.INSTANCE) {
                return contextPath.equals("/") ? tomcatAtRoot : tomcatInApp;
            }
            throw new IllegalArgumentException("no observations for " + container);
        }
    }

    /**
     * @param target the request target, {@code {ctx}} standing for the context path
     * @param status the filter's status where it answers (on a container that refuses the line, what the filter would
     *     answer behind one that let it through; 0 where no filter of this context could be asked)
     * @param detail the filter's problem detail where it answers, or null for "any"
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
                row("/%2e%2e/ (CVE-2021-28164)", By.JETTY_400_TOMCAT_RESOLVES, "{ctx}/%2e%2e/admin/v1/Users", 400,
                        "encoded . in the path"),
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
                row("%00 (CVE-2021-34429)", By.CONTAINERS, "{ctx}/admin/v1/Users%00", 400,
                        "encoded control character in the path"),
                row("%7f", By.JETTY, "{ctx}/admin/v1/a%7fb", 400, "encoded control character in the path"),
                row("%252e double encoding (CVE-2020-11989)", By.JETTY, "{ctx}/admin/v1/%252e%252e/Users", 400,
                        "encoded % (double encoding) in the path"),
                row("%25 alone", By.JETTY, "{ctx}/admin/v1/%25", 400, "encoded % (double encoding) in the path"),
                row("backslash (CVE-2007-0450)", By.CONTAINERS, "{ctx}/admin\\v1\\Users", 400, "backslash in the path"),
                row("%5c encoded backslash", By.CONTAINERS, "{ctx}/admin/v1/a%5cb", 400, "encoded / or \\ in the path"),
                row("%2f encoded slash", By.CONTAINERS, "{ctx}/paas/analytics%2f..%2fstack/x", 400,
                        "encoded / or \\ in the path"),
                row("overlong UTF-8 %c0%ae (CVE-2000-0884)", By.CONTAINERS, "{ctx}/admin/v1/%c0%ae%c0%ae/x", 400,
                        "encoded non-ASCII byte in the path"),
                row("encoded UTF-8 é", By.FILTER, "{ctx}/admin/v1/caf%C3%A9", 400, "encoded non-ASCII byte in the path"),
                row("raw byte é", By.CONTAINERS, "{ctx}/admin/v1/caf\u00e9", 400, "non-ASCII character in the path"),
                row("raw control character", By.CONTAINERS, "{ctx}/admin/v1/a\u0001b", 400, "control character in the path"),
                row("raw tab", By.CONTAINERS, "{ctx}/admin/v1/a\tb", 400, null),
                row("raw |", By.CONTAINERS, "{ctx}/admin/v1/a|b", 400, "character not allowed in a path"),
                row("raw quote", By.CONTAINERS, "{ctx}/admin/v1/a\"b", 400, "character not allowed in a path"),
                row("bad percent-encoding", By.CONTAINERS, "{ctx}/admin/v1/%zz", 400, "bad percent-encoding"),
                row("truncated percent-encoding", By.CONTAINERS, "{ctx}/admin/v1/%4", 400, "bad percent-encoding"),
                row("fragment in the request line", By.CONTAINERS, "{ctx}/admin/v1/Users#x", 400, null),
                row("absolute form, same host", By.FILTER, "http://127.0.0.1{ctx}/admin/v1/Users", 403,
                        CONSUMER_ALL_DENIED),
                row("absolute form, other host", By.CONTAINERS, "http://admin.example.test{ctx}/admin/v1/Users", 400, null),
                row("absolute form, https scheme on a plain connector", By.FILTER, "https://127.0.0.1{ctx}/admin/v1/Users", 403,
                        CONSUMER_ALL_DENIED),
                row("relative path", By.CONTAINERS, "admin/v1/Users", 400, "the path must start with /"),
                row("asterisk form", By.CONTAINERS, "*", 400, null),
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
        assertAnswer(context, Request.raw("GET " + target + " HTTP/1.1", "Authorization: Bearer " + TOKEN), by,
                status, detail);
    }

    /** Paths that only an {@code /app} context makes hostile: the context path itself disguised. */
    static Stream<Arguments> contextShapes() {
        return Stream.of(
                row("encoded context path", By.FILTER, "/%61pp/admin/v1/Users", 400,
                        "the request path is outside the context path"),
                row("path parameter on the context path", By.FILTER, "/app;x=1/admin/v1/Users", 400,
                        "the path must start with /"),
                row("dot segment out of the context", By.NO_CONTEXT, "/app/../admin/v1/Users", 400, DOTS),
                row("context path in upper case", By.NO_CONTEXT, "/APP/admin/v1/Users", 0, null),
                row("outside the context", By.NO_CONTEXT, "/admin/v1/Users", 0, null),
                row("double slash after the context", By.JETTY, "/app//admin/v1/Users", 400,
                        "empty segment (//) in the path"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contextShapes")
    void filterWhenContextPathDisguisedThenRejectedOrDenied(String name, By by, String target, int status,
            String detail) {
        assertAnswer("/app", Request.raw("GET " + target + " HTTP/1.1", "Authorization: Bearer " + TOKEN), by,
                status, detail);
    }

    /** Traversal from a granted route to another: the token reads analytics, never stack. */
    static Stream<Arguments> traversals() {
        return Stream.of(
                row("baseline: granted route", By.FILTER, "/paas/analytics/x", 200, null),
                row("dot-dot into stack", By.FILTER, "/paas/analytics/../stack/x", 400, DOTS),
                row("encoded dot-dot into stack", By.JETTY, "/paas/analytics/%2e%2e/stack/x", 400,
                        "encoded . in the path"),
                row("..;/ into stack", By.JETTY, "/paas/analytics/..;/stack/x", 400, PARAMS),
                row("encoded slash into stack", By.CONTAINERS, "/paas/analytics%2f..%2fstack/x", 400,
                        "encoded / or \\ in the path"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traversals")
    void filterWhenTraversalFromGrantedRouteThenNoAccessToAnother(String name, By by, String target, int status,
            String detail) {
        Request request = Request.raw("GET " + target + " HTTP/1.1", "Authorization: Bearer " + ANALYTICS_TOKEN);
        if (status == 200) {
            Reply reply = HARNESS.server(container, "/").send(request);
            assertEquals(200, reply.status(), reply::body);
            assertEquals("true", reply.echo().get("reached"), reply::body);
            return;
        }
        assertAnswer("/", request, by, status, detail);
    }

    /** Sends the request to this context on the current container and asserts who answered, and how, exactly. */
    private void assertAnswer(String context, Request request, By by, int status, String detail) {
        FilterServer server = HARNESS.server(container, context);
        long before = server.decisions();
        Reply reply = server.send(request);
        boolean filtered = server.decisions() > before;
        assertNot5xx(reply);
        assertNothingEchoed(reply, TOKEN, ANALYTICS_TOKEN);
        int refusal = by.refusal(container, context);
        if (refusal != 0) {
            assertEquals(refusal, reply.status(), () -> container + " refuses it itself: " + reply.body());
            assertFalse(Problems.isFromFilter(reply), reply::body);
            assertFalse(filtered, "the filter never saw it");
            return;
        }
        assertTrue(filtered, () -> "the filter did not decide: " + reply.status() + " " + reply.headers());
        assertTrue(Problems.isFromFilter(reply), () -> "the filter did not answer: " + reply.status() + " "
                + reply.headers());
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
