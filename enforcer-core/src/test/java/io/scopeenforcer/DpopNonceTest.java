package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.jwk.ECKey;
import io.scopeenforcer.testing.DpopProofs;
import io.scopeenforcer.testing.TestClock;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DPoP server nonces in the engine (RFC 9449 §8, §9): with {@code requireNonce} a proof must carry a nonce this
 * server issued in the current or the previous time step; anything else is 401 {@code use_dpop_nonce} with a fresh
 * nonce to retry with, and a proof whose nonce is about to lapse is answered with the next one. Every row runs on
 * its own clock, so steps are exact.
 */
class DpopNonceTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final String ORIGIN = "https://api.example.test";
    static final Duration LIFETIME = Duration.ofMinutes(5);
    static final byte[] SECRET = "a nonce secret of at least 32 bytes, shared".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER_SECRET = "another nonce secret of 32 bytes or more".getBytes(StandardCharsets.UTF_8);
    static final ECKey KEY = DpopProofs.newEcKey();
    static final String MISSING = "the DPoP proof must carry the server's nonce";
    static final String UNKNOWN = "the DPoP proof's nonce is not a current one from this server";

    static DpopSettings settings(TestClock clock, byte[] secret, String origin) {
        return DpopSettings.newBuilder().origin(origin).clock(clock).requireNonce(LIFETIME).nonceSecret(secret).build();
    }

    /** A server at {@link #NOW} and the test's clock. */
    record Server(TestClock clock, Enforcer engine, TestIssuer idp) {
        static Server start() {
            TestClock clock = TestClock.at(NOW);
            TestIssuer idp = TestIssuer.create("https://idp.example.test", clock);
            Enforcer engine = Enforcer.newBuilder().policy(RoutePolicy.parse("GET /me authenticated", "test.policy"))
                    .verifier(TokenVerifier.newBuilder().trust(idp.trustedIssuer()).clock(clock).build())
                    .dpop(settings(clock, SECRET, ORIGIN)).build();
            return new Server(clock, engine, idp);
        }

        /** GET /me with a token bound to {@link #KEY} and a proof made now with this nonce claim (null: none). */
        Decision request(Object nonce) {
            String token = idp.token().claim("cnf", Map.of("jkt", DpopProofs.thumbprint(KEY))).sign();
            String proof = DpopProofs.proof(KEY, "GET", ORIGIN + "/me", token, clock.instant()).claim("nonce", nonce)
                    .sign();
            return engine.decide("DPoP " + token, "GET", "/me", ProofOfPossession.dpop(proof));
        }

        String current() {
            return engine.dpop().currentNonce();
        }
    }

    /** The nonce a proof carries, made from the server, and its clock moved after it was issued. */
    record Case(Function<Server, Object> nonce, Duration later) {
    }

    static Arguments row(String name, Function<Server, Object> nonce, Duration later, Decision.Reason reason,
            String description, boolean renewed) {
        return Arguments.of(name, new Case(nonce, later), reason, description, renewed);
    }

    static Stream<Arguments> nonces() {
        Function<Server, Object> issued = Server::current;
        return Stream.of(
                row("the current nonce", issued, Duration.ZERO, null, null, false),
                row("a nonce issued at the end of its step, used at once", s -> {
                    s.clock().advance(LIFETIME.minusMillis(1));
                    return s.current();
                }, Duration.ZERO, null, null, false),
                row("the previous step's nonce: accepted, the next one given", issued, LIFETIME, null, null, true),
                row("a nonce just short of two lifetimes old", issued, LIFETIME.multipliedBy(2).minusMillis(1), null,
                        null, true),
                row("a nonce two lifetimes old", issued, LIFETIME.multipliedBy(2), Decision.Reason.USE_DPOP_NONCE,
                        UNKNOWN, false),
                row("no nonce", s -> null, Duration.ZERO, Decision.Reason.USE_DPOP_NONCE, MISSING, false),
                row("an empty nonce", s -> "", Duration.ZERO, Decision.Reason.USE_DPOP_NONCE, UNKNOWN, false),
                row("a forged nonce of the right shape", s -> DpopProofs.ath("made up"), Duration.ZERO,
                        Decision.Reason.USE_DPOP_NONCE, UNKNOWN, false),
                row("the current nonce with one character changed", s -> {
                    String n = s.current();
                    return (n.charAt(0) == 'A' ? "B" : "A") + n.substring(1);
                }, Duration.ZERO, Decision.Reason.USE_DPOP_NONCE, UNKNOWN, false),
                row("a nonce of another secret", s -> settings(s.clock(), OTHER_SECRET, ORIGIN).currentNonce(),
                        Duration.ZERO, Decision.Reason.USE_DPOP_NONCE, UNKNOWN, false),
                row("a nonce of another origin with the same secret",
                        s -> settings(s.clock(), SECRET, "https://other.example.test").currentNonce(), Duration.ZERO,
                        Decision.Reason.USE_DPOP_NONCE, UNKNOWN, false),
                row("a nonce of the next step (a clock ahead)", s -> {
                    TestClock ahead = TestClock.at(NOW.plus(LIFETIME));
                    return settings(ahead, SECRET, ORIGIN).currentNonce();
                }, Duration.ZERO, Decision.Reason.USE_DPOP_NONCE, UNKNOWN, false),
                row("a nonce that is a number", s -> 7, Duration.ZERO, Decision.Reason.USE_DPOP_NONCE, UNKNOWN, false),
                row("a nonce that is an array", s -> List.of(s.current()), Duration.ZERO,
                        Decision.Reason.USE_DPOP_NONCE, UNKNOWN, false));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {2}")
    @MethodSource("nonces")
    void decideWhenNonceRequiredThenOnlyTheServersCurrentOrPreviousNonce(String name, Case c, Decision.Reason reason,
            String description, boolean renewed) {
        Server server = Server.start();
        Object nonce = c.nonce().apply(server);
        server.clock().advance(c.later());
        Decision decision = server.request(nonce);
        if (reason == null) {
            assertInstanceOf(Decision.Allow.class, decision, decision::toString);
            assertEquals(renewed ? server.current() : null, decision.dpopNonce());
            if (renewed) {
                assertNotEquals(nonce, decision.dpopNonce());
            }
            return;
        }
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decision);
        assertEquals(reason, deny.reason());
        assertEquals(description, deny.description());
        assertEquals(401, deny.status());
        assertEquals("use_dpop_nonce", deny.error());
        assertEquals(server.current(), deny.dpopNonce());
        // The nonce handed out is the one to retry with: the same request with it passes.
        assertInstanceOf(Decision.Allow.class, server.request(deny.dpopNonce()));
    }

    @Test
    void decideWhenProofRefusedForItsNonceThenItsJtiIsNotRemembered() {
        Server server = Server.start();
        String token = server.idp().token().claim("cnf", Map.of("jkt", DpopProofs.thumbprint(KEY))).sign();
        DpopProofs proof = DpopProofs.proof(KEY, "GET", ORIGIN + "/me", token, NOW).claim("jti", "one-jti");
        Decision first = server.engine().decide("DPoP " + token, "GET", "/me", ProofOfPossession.dpop(proof.sign()));
        assertEquals(Decision.Reason.USE_DPOP_NONCE, ((Decision.Deny) first).reason());
        String retry = proof.claim("nonce", first.dpopNonce()).sign();
        assertInstanceOf(Decision.Allow.class,
                server.engine().decide("DPoP " + token, "GET", "/me", ProofOfPossession.dpop(retry)));
        Decision replay = server.engine().decide("DPoP " + token, "GET", "/me", ProofOfPossession.dpop(retry));
        assertEquals("the DPoP proof was already used", ((Decision.Deny) replay).description());
    }

    @Test
    void decideWhenNonceFineButProofOtherwiseBadThenInvalidDpopProofNotUseNonce() {
        Server server = Server.start();
        String token = server.idp().token().claim("cnf", Map.of("jkt", DpopProofs.thumbprint(KEY))).sign();
        String proof = DpopProofs.proof(KEY, "GET", ORIGIN + "/me", token, NOW.minusSeconds(120))
                .claim("nonce", server.current()).sign();
        Decision.Deny deny = (Decision.Deny) server.engine().decide("DPoP " + token, "GET", "/me",
                ProofOfPossession.dpop(proof));
        assertEquals(Decision.Reason.INVALID_DPOP_PROOF, deny.reason());
        assertEquals("the DPoP proof is too old", deny.description());
        assertNull(deny.dpopNonce());
    }

    @Test
    void currentNonceWhenSameSecretAndOriginThenEveryInstanceAgreesAndStepsChangeIt() {
        TestClock clock = TestClock.at(NOW);
        String one = settings(clock, SECRET, ORIGIN).currentNonce();
        assertEquals(one, settings(TestClock.at(NOW.plus(LIFETIME).minusMillis(1)), SECRET, ORIGIN).currentNonce());
        assertNotEquals(one, settings(TestClock.at(NOW.plus(LIFETIME)), SECRET, ORIGIN).currentNonce());
        // Without a secret each instance has its own key.
        assertNotEquals(DpopSettings.newBuilder().origin(ORIGIN).clock(clock).requireNonce(LIFETIME).build()
                .currentNonce(), DpopSettings.newBuilder().origin(ORIGIN).clock(clock).requireNonce(LIFETIME).build()
                .currentNonce());
        assertNull(DpopSettings.newBuilder().origin(ORIGIN).build().currentNonce());
        assertNull(DpopSettings.newBuilder().origin(ORIGIN).build().nonceLifetime());
        assertEquals(43, one.length());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().requireNonce(Duration.ofMillis(999)),
                        IllegalArgumentException.class, "the nonce lifetime must be between 1 second and 1 day, got PT0.999S"),
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().requireNonce(Duration.ofDays(1).plusSeconds(1)),
                        IllegalArgumentException.class, "the nonce lifetime must be between 1 second and 1 day, got PT24H1S"),
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().nonceSecret(new byte[31]),
                        IllegalArgumentException.class, "nonceSecret must be at least 32 bytes, got 31"),
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().origin(ORIGIN).nonceSecret(SECRET).build(),
                        IllegalStateException.class, "nonceSecret needs requireNonce"),
                Arguments.of((Runnable) () -> DpopSettings.newBuilder().requireNonce(LIFETIME).requireNonce(LIFETIME),
                        IllegalStateException.class, "requireNonce was already set"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void buildWhenBadNonceSettingThenRefused(Runnable setting, Class<? extends RuntimeException> type, String message) {
        assertEquals(message, assertThrows(type, setting::run).getMessage());
    }
}
