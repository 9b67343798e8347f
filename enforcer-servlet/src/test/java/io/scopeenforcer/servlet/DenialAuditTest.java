package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_READ;
import static io.scopeenforcer.servlet.DemoScopes.STACK_READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.testing.TestIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of denial writes one audit line an operator can act on, asserted exactly over real HTTP: who
 * (client and subject of a verified token), why (reason, the specific token failure, the token's own iss/aud beside
 * the configured ones), where (the rule's file:line, or the built-in management-API rule), which request (trace id
 * or X-Request-Id); never the token. And the 401 body names the token failure as a stable code.
 */
class DenialAuditTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    private static final TestIssuer OTHER = TestIssuer.create("https://other.example.test");
    private static final String REPORTS = "/paas/analytics/reports";
    private static final Instant NOW = Instant.now();

    private static final String EXPIRED = IDP.token().scope(ANALYTICS_READ).issuedAt(NOW.minus(Duration.ofHours(2)))
            .expiresAt(NOW.minus(Duration.ofHours(1))).sign();
    private static final String NOT_YET_VALID = IDP.token().scope(ANALYTICS_READ)
            .notBefore(NOW.plus(Duration.ofHours(1))).expiresAt(NOW.plus(Duration.ofHours(2))).sign();
    private static final String WRONG_ISSUER = IDP.token().scope(ANALYTICS_READ).issuer("https://evil.example.test")
            .sign();
    private static final String WRONG_AUDIENCE = IDP.token().scope(ANALYTICS_READ)
            .audienceArray("https://other-api.example.test", "urn:other").sign();
    private static final String BAD_SIGNATURE = OTHER.token().scope(ANALYTICS_READ).issuer(IDP.issuer())
            .keyId(IDP.rsa().kid()).sign();
    private static final String UNKNOWN_KEY = OTHER.token().scope(ANALYTICS_READ).issuer(IDP.issuer()).sign();
    private static final String STACK_READER = IDP.token().scope(STACK_READ).clientId("billing-batch")
            .subject("svc-billing").sign();
    private static final String GLOBEX = IDP.token().scope("tenants:read").tenant("globex").realm("main").sign();
    private static final String READER = IDP.token().scope(ANALYTICS_READ).sign();

    private static final String RULE_READ = "rule='policy.txt:3'";

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP).deploy("/");

    private static AuditLog log;

    @BeforeAll
    static void capture() {
        log = AuditLog.capture();
    }

    @AfterAll
    static void release() {
        log.close();
    }

    static Stream<Arguments> denials() {
        return Stream.of(
                Arguments.of("no token", REPORTS, List.of(), 401, null,
                        "scope-enforcer deny: status=401 reason=missing_token method='GET' path='/paas/analytics/reports' "
                                + RULE_READ + " detail='a bearer token is required'"),
                Arguments.of("expired", REPORTS, bearer(EXPIRED), 401, "expired",
                        "scope-enforcer deny: status=401 reason=invalid_token token_failure=expired method='GET'"
                                + " path='/paas/analytics/reports' " + RULE_READ + " detail='the token has expired'"),
                Arguments.of("not yet valid", REPORTS, bearer(NOT_YET_VALID), 401, "not_yet_valid",
                        "scope-enforcer deny: status=401 reason=invalid_token token_failure=not_yet_valid method='GET'"
                                + " path='/paas/analytics/reports' " + RULE_READ + " detail='the token is not yet valid'"),
                Arguments.of("wrong issuer", REPORTS, bearer(WRONG_ISSUER), 401, "wrong_issuer",
                        "scope-enforcer deny: status=401 reason=invalid_token token_failure=wrong_issuer method='GET'"
                                + " path='/paas/analytics/reports' " + RULE_READ
                                + " token_iss='https://evil.example.test' trusted_iss='https://idp.example.test'"
                                + " detail='the token issuer is not trusted'"),
                Arguments.of("wrong audience", REPORTS, bearer(WRONG_AUDIENCE), 401, "wrong_audience",
                        "scope-enforcer deny: status=401 reason=invalid_token token_failure=wrong_audience method='GET'"
                                + " path='/paas/analytics/reports' " + RULE_READ
                                + " token_iss='https://idp.example.test'"
                                + " token_aud=['https://other-api.example.test','urn:other']"
                                + " accepted_aud='https://api.example.test'"
                                + " detail='the token is not intended for this resource server'"),
                Arguments.of("bad signature", REPORTS, bearer(BAD_SIGNATURE), 401, "bad_signature",
                        "scope-enforcer deny: status=401 reason=invalid_token token_failure=bad_signature method='GET'"
                                + " path='/paas/analytics/reports' " + RULE_READ
                                + " detail='the token signature is invalid'"),
                Arguments.of("unknown key", REPORTS, bearer(UNKNOWN_KEY), 401, "unknown_key",
                        "scope-enforcer deny: status=401 reason=invalid_token token_failure=unknown_key method='GET'"
                                + " path='/paas/analytics/reports' " + RULE_READ
                                + " detail='the token was signed with an unknown key'"),
                Arguments.of("scope missing: who is named", REPORTS, bearer(STACK_READER), 403, null,
                        "scope-enforcer deny: status=403 reason=insufficient_scope method='GET'"
                                + " path='/paas/analytics/reports' " + RULE_READ
                                + " client='billing-batch' subject='svc-billing'"
                                + " detail='the token lacks urn:opc:resource:consumer:paas:analytics::read'"),
                Arguments.of("built-in management-api rule", "/v1/tenants/acme", bearer(GLOBEX), 403, null,
                        "scope-enforcer deny: status=403 reason=tenant_mismatch method='GET' path='/v1/tenants/acme'"
                                + " rule='management-api:GET /v1/tenants/{tenant}' client='test-client' subject='alice'"
                                + " detail='the token is bound to another tenant'"),
                Arguments.of("no rule", "/nowhere", bearer(READER), 403, null,
                        "scope-enforcer deny: status=403 reason=no_rule method='GET' path='/nowhere' rule=none"
                                + " detail='no policy rule allows this request'"),
                Arguments.of("traceparent names the request", REPORTS,
                        List.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), 401, null,
                        "scope-enforcer deny: status=401 reason=missing_token method='GET' path='/paas/analytics/reports' "
                                + RULE_READ + " request_id='4bf92f3577b34da6a3ce929d0e0e4736'"
                                + " detail='a bearer token is required'"),
                Arguments.of("X-Request-Id, hostile, is sanitized and cut", REPORTS,
                        List.of("traceparent", "not-a-traceparent", "X-Request-Id",
                                "req-'quoted'-\"double\"-0123456789012345678901234567890123456789"), 401, null,
                        "scope-enforcer deny: status=401 reason=missing_token method='GET' path='/paas/analytics/reports' "
                                + RULE_READ + " request_id='req-?quoted?-?double?-012345678901234567...'"
                                + " detail='a bearer token is required'"),
                Arguments.of("long path is cut, the description is not", "/paas/analytics/"
                                + "a-very-long-segment-0123456789-0123456789-0123456789", bearer(STACK_READER), 403, null,
                        "scope-enforcer deny: status=403 reason=insufficient_scope method='GET'"
                                + " path='/paas/analytics/a-very-long-segment-0123...' " + RULE_READ
                                + " client='billing-batch' subject='svc-billing'"
                                + " detail='the token lacks urn:opc:resource:consumer:paas:analytics::read'"));
    }

    private static List<String> bearer(String token) {
        return List.of("Authorization", "Bearer " + token);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("denials")
    void denialWhenKindThenOneAuditLineNamingWhoAndWhy(String name, String path, List<String> headers, int status,
            String tokenFailure, String expectedLine, FilterServer server) throws Exception {
        log.clear();
        Reply reply = server.get(path, headers.toArray(String[]::new));

        assertEquals(status, reply.status(), reply::body);
        Map<String, Object> body = JSONObjectUtils.parse(reply.body());
        assertEquals(tokenFailure, body.get("token_failure"), reply::body);
        assertEquals(List.of(expectedLine), log.denials());
        for (int i = 1; i < headers.size(); i += 2) {
            if (headers.get(i).startsWith("Bearer ")) {
                String token = headers.get(i).substring("Bearer ".length());
                for (String part : token.split("\\.")) {
                    assertFalse(log.all().stream().anyMatch(l -> l.contains(part)), "a log line holds part of the token");
                }
            }
        }
    }

    @Test
    void denialWhenPermissiveThenWouldDenyLineAndRequestPasses() {
        Map<String, String> params = HARNESS.params();
        params.put("mode", "permissive");
        try (FilterServer permissive = HARNESS.start("/", params)) {
            log.clear();
            Reply reply = permissive.get(REPORTS, "Authorization", "Bearer " + EXPIRED);

            assertEquals(200, reply.status());
            assertEquals(List.of("scope-enforcer would_deny: status=401 reason=invalid_token token_failure=expired"
                    + " method='GET' path='/paas/analytics/reports' " + RULE_READ + " detail='the token has expired'"),
                    log.denials());
        }
    }
}
