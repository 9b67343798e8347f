package io.scopeenforcer.example.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.negotiation.NegotiationResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The code flow's state on a clock the test moves: code lifetime, and the directory's rules. */
class CodeFlowTest {

    private static final String BASE = "http://localhost:8080";
    private static final String VERIFIER = "a-verifier-of-more-than-forty-three-characters-0123456789";

    /** A clock the test moves by hand. */
    private static final class MovingClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    static Stream<Arguments> ages() {
        return Stream.of(
                // age of the code at the exchange | status
                Arguments.of(Duration.ZERO, 200),
                Arguments.of(Duration.ofSeconds(59), 200),
                Arguments.of(Duration.ofSeconds(60), 400),
                Arguments.of(Duration.ofMinutes(5), 400));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("ages")
    void redeemWhenCodeOlderThanSixtySecondsThenInvalidGrant(Duration age, int status) {
        MovingClock clock = new MovingClock();
        DevIssuer issuer = new DevIssuer(BASE, Duration.ofMinutes(5), clock);
        CodeFlow flow = issuer.codeFlow();
        CodeFlow.BrowserClient client = flow.client("acme-web").orElseThrow();
        String redirect = BASE + DemoServlet.CALLBACK_PATH;
        NegotiationResult.Granted clientGrant = (NegotiationResult.Granted) flow.negotiateForClient(null, client);
        CodeFlow.Pending pending = new CodeFlow.Pending(client, redirect, "s", null, CodeFlow.s256(VERIFIER),
                clientGrant);
        Directory.User alice = Directory.find("alice").orElseThrow();
        String code = flow.issueCode(pending, alice, (NegotiationResult.Granted) flow.negotiateForUser(pending, alice));

        clock.advance(age);
        DevIssuer.Outcome outcome = flow.redeem(DemoClients.ACME_WEB, code, redirect, VERIFIER, DevIssuer.Binding.NONE);
        assertEquals(status, outcome.status(), String.valueOf(outcome.body()));
        if (status == 400) {
            assertEquals("invalid_grant", outcome.body().get("error"));
        }
    }

    static Stream<Arguments> signIns() {
        return Stream.of(
                // user | password | signed in
                Arguments.of("alice", "alice-password", true),
                Arguments.of("bob", "bob-password", true),
                Arguments.of("carol", "carol-password", true),
                Arguments.of("dave", "dave-password", true),
                Arguments.of("alice", "bob-password", false),
                Arguments.of("alice", "Alice-password", false),
                Arguments.of("ALICE", "alice-password", false),
                Arguments.of("mallory", "mallory-password", false),
                Arguments.of("alice", "", false),
                Arguments.of(null, null, false));
    }

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @MethodSource("signIns")
    void authenticateWhenNameAndPasswordGivenThenOnlyTheExactPairSignsIn(String user, String password,
                                                                          boolean signedIn) {
        Optional<Directory.User> result = Directory.authenticate(user, password);
        assertEquals(signedIn, result.isPresent());
    }

    static Stream<Arguments> authorizations() {
        return Stream.of(
                // user | authorized scopes (roles through groups or direct) | tenant | realm
                Arguments.of("alice", "applications:read applications:create applications:update applications:delete"
                        + " groups:read groups:update identities:read", "acme", "prod"),
                Arguments.of("bob", "applications:read groups:read identities:read", "acme", "*"),
                Arguments.of("carol", "urn:opc:resource:consumer:paas:analytics::read", null, null),
                Arguments.of("dave", "", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("authorizations")
    void directoryWhenUserHasRolesThenScopesAreTheirUnion(String user, String scopes, String tenant, String realm) {
        Directory.User u = Directory.find(user).orElseThrow();
        assertEquals(scopes, u.authorizedScopes().toSpaceDelimited());
        assertEquals(tenant, u.tenant());
        assertEquals(realm, u.realm());
        assertFalse(u.toString().contains("password"), "no password in toString");
    }

    @Test
    void loopbackClientWhenRedirectUriComparedThenAnyPortButNothingElse() {
        CodeFlow.BrowserClient cli = new DevIssuer(BASE, Duration.ofMinutes(5), Clock.systemUTC()).codeFlow()
                .client("paas-cli").orElseThrow();
        assertTrue(cli.redirectAllowed("http://127.0.0.1:49152/callback"));
        assertFalse(cli.redirectAllowed("http://127.0.0.1:0/callback"));
        assertFalse(cli.redirectAllowed("http://127.0.0.1:49152/callback#x"));
        assertFalse(cli.redirectAllowed("http://[::1]:49152/callback"));
    }
}
