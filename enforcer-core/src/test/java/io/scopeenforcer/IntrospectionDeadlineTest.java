package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import io.scopeenforcer.token.TokenFailure;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.TrustedIssuer;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An introspection endpoint that answers 200 and then drips its body, each chunk well within the 2 s read timeout,
 * never ending: the call's overall deadline (1 s connect + 2 s read) ends it, and the request is a 503 with
 * {@code Retry-After}, not after the 64 KiB size limit (half a minute or more at these drips) or never. A read that
 * is blocked at the deadline ends when its chunk arrives (the JDK's chunked stream finishes a read before it can be
 * closed), so the bound is the deadline plus at most one read timeout.
 */
class IntrospectionDeadlineTest {

    static final String ISSUER = "https://opaque-idp.example.test";
    static final TestIssuer IDP = TestIssuer.create(ISSUER);

    @ParameterizedTest(name = "a chunk every {0} ms")
    @ValueSource(ints = {1500})
    void decideWhenIntrospectionAnswerDripsThen503WithinTheDeadline(int intervalMillis) {
        try (JwksServer endpoint = JwksServer.start(IDP.publicJwkSet())) {
            endpoint.endlessChunked(Duration.ofMillis(intervalMillis));
            Enforcer engine = Enforcer.newBuilder().policy(RoutePolicy.parse("GET /me authenticated", "test.policy"))
                    .verifier(TokenVerifier.newBuilder().trust(TrustedIssuer.jwkSet(ISSUER, IDP.publicJwkSet())
                            .audience(TestIssuer.DEFAULT_AUDIENCE)
                            .introspection(endpoint.uri("/introspect"), "resource-server", "resource-server-secret")
                            .build()).build())
                    .build();
            long started = System.nanoTime();
            Decision decision = engine.decide("Bearer opaque-token-0123456789", "GET", "/me");
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decision);
            assertEquals(503, deny.status());
            assertEquals(TokenFailure.KEYS_UNAVAILABLE, deny.tokenFailure());
            assertEquals(5, deny.retryAfterSeconds());
            // The deadline is 3 s, plus up to one chunk interval (under the 2 s read timeout): about 4.5 s. The bound
            // leaves room for a loaded shared machine and is still far below the 96 s of 64 chunks without it.
            long bound = 12_000;
            assertTrue(elapsedMillis >= 2_900 && elapsedMillis < bound, () -> "took " + elapsedMillis + " ms");
        }
    }
}
