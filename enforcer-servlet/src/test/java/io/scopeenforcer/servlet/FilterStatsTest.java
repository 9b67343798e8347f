package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.DemoScopes.ANALYTICS_READ;
import static io.scopeenforcer.servlet.DemoScopes.STACK_READ;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scopeenforcer.Decision.Reason;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.TestIssuer;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The filter's counters in enforcing mode, and permissive mode: would-be denials reach the app and are counted. */
class FilterStatsTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    private static final String READER = IDP.token().scope(ANALYTICS_READ).sign();
    private static final String STACK_READER = IDP.token().scope(STACK_READ).sign();
    private static final String GARBAGE = "garbage-token-0123456789";

    @RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP);

    private static FilterServer server(String mode) {
        Map<String, String> params = HARNESS.params();
        params.put("mode", mode);
        return HARNESS.start("/", params);
    }

    private static Map<Reason, Long> denials(Object... reasonsAndCounts) {
        Map<Reason, Long> expected = new EnumMap<>(Reason.class);
        for (Reason reason : Reason.values()) {
            expected.put(reason, 0L);
        }
        for (int i = 0; i < reasonsAndCounts.length; i += 2) {
            expected.put((Reason) reasonsAndCounts[i], ((Number) reasonsAndCounts[i + 1]).longValue());
        }
        return expected;
    }

    @Test
    void statsWhenEnforcingThenAllowedDeniedByReasonAndCacheHits() {
        try (FilterServer server = server("enforcing")) {
            String reports = "/paas/analytics/reports";
            assertEquals(200, server.get(reports, "Authorization", "Bearer " + READER).status());
            assertEquals(200, server.get(reports, "Authorization", "Bearer " + READER).status());
            assertEquals(200, server.get("/health").status());
            assertEquals(401, server.get(reports).status());
            assertEquals(401, server.get(reports, "Authorization", "Bearer " + GARBAGE).status());
            assertEquals(401, server.get(reports, "Authorization", "Bearer " + GARBAGE).status());
            assertEquals(403, server.get(reports, "Authorization", "Bearer " + STACK_READER).status());
            assertEquals(403, server.get("/nowhere", "Authorization", "Bearer " + READER).status());
            // PROPFIND, not TRACE: the containers refuse TRACE before any filter (HostileInputHttpTest).
            assertEquals(405, server.send(Request.of("PROPFIND", reports)).status());
            assertEquals(400, server.get(reports, "Authorization", "Bearer a b").status());

            ScopeEnforcementFilter.Stats stats = server.filter().stats();
            assertAll(
                    () -> assertEquals(3, stats.allowed()),
                    () -> assertEquals(denials(Reason.MISSING_TOKEN, 1, Reason.INVALID_TOKEN, 2,
                            Reason.INSUFFICIENT_SCOPE, 1, Reason.NO_RULE, 1, Reason.METHOD_NOT_ALLOWED, 1,
                            Reason.INVALID_REQUEST, 1), stats.deniedByReason()),
                    () -> assertEquals(0, stats.permissivePassed()),
                    // Verified: READER (then a hit), GARBAGE (then a negative hit), STACK_READER, and "a b": the
                    // engine probes the token cache once before it checks the characters of a header's token, so
                    // a malformed one costs a (failed, fast) lookup. No rule: never verified.
                    () -> assertEquals(1, stats.tokenCache().hits(), stats.tokenCache()::toString),
                    () -> assertEquals(1, stats.tokenCache().negativeHits(), stats.tokenCache()::toString),
                    () -> assertEquals(4, stats.tokenCache().misses(), stats.tokenCache()::toString),
                    () -> assertEquals(1, stats.decisionCache().hits(), stats.decisionCache()::toString),
                    () -> assertEquals(2, stats.decisionCache().misses(), stats.decisionCache()::toString));
        }
    }

    @Test
    void filterWhenPermissiveAndWouldDenyThenServletReachedAndCounted() {
        try (FilterServer server = server("permissive")) {
            String reports = "/paas/analytics/reports";
            Reply noToken = server.get(reports);
            Reply wrongScope = server.get(reports, "Authorization", "Bearer " + STACK_READER);
            Reply propfind = server.send(Request.of("PROPFIND", reports));
            Reply override = server.get(reports, "X-HTTP-Method-Override", "DELETE");
            Reply dots = server.send(Request.raw("GET /paas/stack/../analytics/x HTTP/1.1"));
            Reply allowed = server.get(reports, "Authorization", "Bearer " + READER);

            for (Reply wouldDeny : new Reply[] {noToken, wrongScope, propfind, override, dots}) {
                assertEquals(200, wouldDeny.status(), wouldDeny::body);
                assertEquals("true", wouldDeny.echo().get("reached"));
                // A would-be denial is passed on as it came: no principal, even for a valid token.
                assertEquals("", wouldDeny.echo().get("principal"));
                assertEquals(null, wouldDeny.header("WWW-Authenticate"));
            }
            assertEquals("alice", allowed.echo().get("principal"));

            ScopeEnforcementFilter.Stats stats = server.filter().stats();
            assertAll(
                    () -> assertEquals(1, stats.allowed()),
                    () -> assertEquals(5, stats.permissivePassed()),
                    () -> assertEquals(denials(Reason.MISSING_TOKEN, 1, Reason.INSUFFICIENT_SCOPE, 1,
                            Reason.METHOD_NOT_ALLOWED, 1, Reason.INVALID_REQUEST, 2), stats.deniedByReason()));
        }
    }
}
