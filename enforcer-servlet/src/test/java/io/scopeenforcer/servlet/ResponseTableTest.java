package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.DemoScopes.ADMIN;
import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_READ;
import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_WRITE;
import static io.scopeenforcer.servlet.DemoScopes.CONSUMER_ALL;
import static io.scopeenforcer.servlet.DemoScopes.STACK_READ;
import static io.scopeenforcer.servlet.Problems.assertNot5xx;
import static io.scopeenforcer.servlet.Problems.assertNothingEchoed;
import static io.scopeenforcer.servlet.Problems.assertProblem;
import static io.scopeenforcer.servlet.Problems.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of docs/architecture.md §4 over real HTTP: exact status, exact {@code WWW-Authenticate}, an RFC 9457 body, and
 * never the token, the Authorization header, a stack trace or a 5xx in the answer.
 */
@OnEachContainer
class ResponseTableTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    /** Another issuer's keys, for forged signatures. */
    private static final TestIssuer FORGER = TestIssuer.create("https://idp.example.test");

    /** The challenge's fixed part: realm and RFC 9728 resource_metadata. */
    private static final String CHALLENGE = "Bearer realm=\"api\", resource_metadata=\"" + FilterServer.METADATA_URL
            + "\"";
    private static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP).deploy("/");

    @Parameter
    FilterContainer container;

    private static String invalidRequest(String description) {
        return CHALLENGE + ", error=\"invalid_request\", error_description=\"" + description + "\"";
    }

    private static String invalidToken(String description) {
        return CHALLENGE + ", error=\"invalid_token\", error_description=\"" + description + "\"";
    }

    private static String insufficientScope(String description, String scope) {
        return CHALLENGE + ", error=\"insufficient_scope\", error_description=\"" + description + "\", scope=\""
                + scope + "\"";
    }

    /**
     * One row: a token (or null), how to send it, and the exact answer.
     *
     * @param challenge the exact {@code WWW-Authenticate}, or null when there must be none
     * @param requiredScopes the body's {@code required_scopes}, or null when absent
     */
    record Row(String token, Function<String, Request> request, int status, String challenge, String detail,
            List<String> requiredScopes) {
    }

    private static Arguments row(String name, String token, Function<String, Request> request, int status,
            String challenge, String detail, List<String> requiredScopes) {
        return Arguments.of(name, new Row(token, request, status, challenge, detail, requiredScopes));
    }

    private static Function<String, Request> get(String path) {
        return token -> token == null ? Request.of("GET", path) : Request.of("GET", path, "Authorization",
                "Bearer " + token);
    }

    private static Function<String, Request> method(String method, String path) {
        return token -> Request.of(method, path, "Authorization", "Bearer " + token);
    }

    static Stream<Arguments> designTable() {
        String good = IDP.token().scope(ANALYTICS_READ).sign();
        String reports = "/paas/analytics/reports";
        String lacks = "the token lacks ";
        return Stream.of(
                // 401 without error: no token on a protected route.
                row("no token", null, get(reports), 401, CHALLENGE, "a bearer token is required",
                        List.of(ANALYTICS_READ)),
                row("Basic credentials are no bearer token", null, t -> Request.of("GET", reports, "Authorization",
                        "Basic YWxpY2U6c2VjcmV0"), 401, CHALLENGE, "a bearer token is required", List.of(ANALYTICS_READ)),
                // 400 invalid_request.
                row("malformed header", good, t -> Request.of("GET", reports, "Authorization", "Bearer " + t + "!"),
                        400, invalidRequest("malformed bearer token"), "malformed bearer token", null),
                row("two tokens", good, t -> Request.of("GET", reports, "Authorization", "Bearer " + t + " " + t),
                        400, invalidRequest("more than one token in the Authorization header"),
                        "more than one token in the Authorization header", null),
                row("token in the query string", good, t -> Request.of("GET", reports + "?access_token=" + t), 400,
                        invalidRequest("a token in the query string is not accepted; use the Authorization header"),
                        "a token in the query string is not accepted; use the Authorization header", null),
                row("token in the query string with a header too", good, t -> Request.of("GET", reports
                        + "?x=1&access_token=" + t, "Authorization", "Bearer " + t), 400,
                        invalidRequest("a token in the query string is not accepted; use the Authorization header"),
                        "a token in the query string is not accepted; use the Authorization header", null),
                // The filter never reads the body: a form token is no credential (RFC 6750 §2.2 unsupported).
                row("token in a form body", good, t -> Request.form(reports, "access_token=" + t), 401, CHALLENGE,
                        "a bearer token is required", List.of(ANALYTICS_WRITE)),
                row("two Authorization headers", good, t -> Request.raw("GET " + reports + " HTTP/1.1",
                        "Authorization: Bearer " + t, "Authorization: Bearer " + t), 400,
                        invalidRequest("more than one Authorization header"), "more than one Authorization header", null),
                row("bad path: dot segment", good, t -> Request.raw("GET /paas/stack/../analytics/x HTTP/1.1",
                        "Authorization: Bearer " + t), 400, invalidRequest("dot segment (. or ..) in the path"),
                        "dot segment (. or ..) in the path", null),
                row("bad path: encoded non-ASCII", good, get("/paas/analytics/caf%C3%A9"), 400,
                        invalidRequest("encoded non-ASCII byte in the path"), "encoded non-ASCII byte in the path", null),
                // 401 invalid_token.
                row("bad signature", FORGER.token().keyId(IDP.rsa().kid()).scope(ANALYTICS_READ).sign(), get(reports),
                        401, invalidToken("the token signature is invalid"), "the token signature is invalid", null),
                row("expired", IDP.token().now(Instant.now().minus(Duration.ofHours(1))).scope(ANALYTICS_READ).sign(),
                        get(reports), 401, invalidToken("the token has expired"), "the token has expired", null),
                row("wrong issuer", IDP.token().issuer("https://evil.example.test").scope(ANALYTICS_READ).sign(),
                        get(reports), 401, invalidToken("the token issuer is not trusted"),
                        "the token issuer is not trusted", null),
                row("wrong audience", IDP.token().audience("https://other.example.test").scope(ANALYTICS_READ).sign(),
                        get(reports), 401, invalidToken("the token is not intended for this resource server"),
                        "the token is not intended for this resource server", null),
                row("garbage token", "garbage-token-0123456789", get(reports), 401,
                        invalidToken("the token is not a compact JWS"), "the token is not a compact JWS", null),
                row("alg none", IDP.token().algorithm("none").unsigned().scope(ANALYTICS_READ).sign(), get(reports),
                        401, invalidToken("unsecured tokens (alg none) are not accepted"),
                        "unsecured tokens (alg none) are not accepted", null),
                // 403 insufficient_scope.
                row("scope missing", IDP.token().scope(STACK_READ).sign(), get(reports), 403,
                        insufficientScope(lacks + ANALYTICS_READ, ANALYTICS_READ), lacks + ANALYTICS_READ,
                        List.of(ANALYTICS_READ)),
                row("read scope on a write", good, method("POST", reports), 403,
                        insufficientScope(lacks + ANALYTICS_WRITE, ANALYTICS_WRITE), lacks + ANALYTICS_WRITE,
                        List.of(ANALYTICS_WRITE)),
                row("no scope at all on /admin", IDP.token().sign(), get("/admin/v1/Users"), 403,
                        insufficientScope(lacks + ADMIN, ADMIN), lacks + ADMIN, List.of(ADMIN)),
                row("tenant mismatch", IDP.token().scope("applications:read").tenant("globex").realm("main").sign(),
                        get("/v1/tenants/acme/realms/prod/applications"), 403,
                        insufficientScope("the token is bound to another tenant", "applications:read"),
                        "the token is bound to another tenant", List.of("applications:read")),
                row("realm mismatch", IDP.token().scope("applications:read").tenant("acme").realm("dev").sign(),
                        get("/v1/tenants/acme/realms/prod/applications"), 403,
                        insufficientScope("the token is bound to another realm", "applications:read"),
                        "the token is bound to another realm", List.of("applications:read")),
                row("no tenant claim", IDP.token().scope("applications:read").sign(),
                        get("/v1/tenants/acme/realms/prod/applications"), 403,
                        insufficientScope("the token is not bound to a tenant", "applications:read"),
                        "the token is not bound to a tenant", List.of("applications:read")),
                row("wildcard tenant claim", IDP.token().scope("applications:read").tenant("*").realm("*").sign(),
                        get("/v1/tenants/acme/realms/prod/applications"), 403,
                        insufficientScope("the token is bound to another tenant", "applications:read"),
                        "the token is bound to another tenant", List.of("applications:read")),
                row("path variable that cannot form a scope", good, get("/paas/a%20b/reports"), 403,
                        CHALLENGE + ", error=\"insufficient_scope\", error_description=\"a path variable cannot form"
                                + " the scope 'urn:opc:resource:consumer:paas:{service}...'\"",
                        "a path variable cannot form the scope 'urn:opc:resource:consumer:paas:{service}...'", none()),
                row("tenant in another case", IDP.token().scope("applications:read").tenant("acme").realm("prod")
                        .sign(), get("/v1/tenants/ACME/realms/prod/applications"), 403,
                        insufficientScope("the token is bound to another tenant", "applications:read"),
                        "the token is bound to another tenant", List.of("applications:read")),
                row("consumer::all on an admin route", IDP.token().scope(CONSUMER_ALL).sign(), get("/admin/v1/Users"),
                        403, insufficientScope(CONSUMER_ALL + " never opens admin APIs", ADMIN),
                        CONSUMER_ALL + " never opens admin APIs", List.of(ADMIN)),
                // 405 with Allow, no challenge.
                // TRACE never gets this far over HTTP: both containers answer it themselves (HostileInputHttpTest).
                row("PROPFIND", good, method("PROPFIND", reports), 405, null, "method not allowed", null),
                row("lower-case get", good, method("get", reports), 405, null, "method not allowed", null),
                // 403 without a challenge: no rule, deny by default.
                row("no matching rule", good, get("/nowhere"), 403, null, "no policy rule allows this request", none()),
                row("no matching rule, no token", null, get("/nowhere"), 403, null,
                        "no policy rule allows this request", none()),
                row("no rule for the method", good, method("DELETE", "/me"), 403, null,
                        "no policy rule allows this request", none()),
                row("custom method without an explicit rule", IDP.token().scope("groups:update identities:read")
                        .tenant("acme").realm("prod").sign(), method("POST",
                        "/v1/tenants/acme/realms/prod/groups/g1:addMembers"), 403, null,
                        "no policy rule allows this request", none()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("designTable")
    void filterWhenDesignTableRowThenExactAnswer(String name, Row row, FilterServer server) {
        Request request = row.request().apply(row.token());
        Reply reply = server.send(request);
        assertProblem(reply, row.status(), row.detail(), row.requiredScopes());
        assertEquals(row.challenge(), reply.header("WWW-Authenticate"));
        assertEquals(row.status() == 405 ? ALLOW : null, reply.header("Allow"));
        assertNull(reply.header("Retry-After"));
        assertNothingEchoed(reply, row.token(), "Bearer " + row.token());
        assertNot5xx(reply);
    }

    @Test
    void filterWhenKeysUnavailableAndNothingCachedThen503WithRetryAfterAndNoChallenge() {
        try (JwksServer down = JwksServer.start(IDP.publicJwkSet())) {
            down.failWithStatus(500);
            Map<String, String> params = FilterServer.params(IDP, down, HARNESS.dir());
            params.put("retry-after", "7");
            try (FilterServer cold = HARNESS.start(container, "/", params)) {
                String token = IDP.token().scope(ANALYTICS_READ).sign();
                Reply reply = cold.get("/paas/analytics/reports", "Authorization", "Bearer " + token);
                assertProblem(reply, 503, "the token issuer's keys are temporarily unavailable", null);
                assertEquals("7", reply.header("Retry-After"));
                assertNull(reply.header("WWW-Authenticate"), "the token may be fine: no invalid_token");
                assertNothingEchoed(reply, token);

                down.heal();
                Reply healed = cold.get("/paas/analytics/reports", "Authorization", "Bearer " + token);
                assertEquals(200, healed.status(), "an outage is not remembered against the token: "
                        + healed.body());
            }
        }
    }
}
