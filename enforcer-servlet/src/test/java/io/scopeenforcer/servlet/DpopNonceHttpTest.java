package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jose.jwk.ECKey;
import io.scopeenforcer.DpopSettings;
import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;
import io.scopeenforcer.testing.DpopProofs;
import io.scopeenforcer.testing.TestClock;
import io.scopeenforcer.testing.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DPoP server nonces over real HTTP (RFC 9449 §9), on Jetty and Tomcat: with {@code dpop-nonce=required} a proof
 * without the server's nonce is 401 {@code use_dpop_nonce} with a fresh {@code DPoP-Nonce}, the retry with it is
 * served, and a forged, expired or other-secret nonce is refused the same way. Nonces the filter did not issue are
 * made in the test with {@link DpopSettings} on the same secret and origin, its clock set in the past (what another
 * instance, or this one earlier, would have issued).
 */
class DpopNonceHttpTest {

    private static final TestIssuer IDP = TestIssuer.create("https://idp.example.test");
    @org.junit.jupiter.api.extension.RegisterExtension
    static final FilterHarness HARNESS = FilterHarness.forIssuer(IDP);

    static final String ORIGIN = DpopHttpTest.ORIGIN;
    static final String SECRET = "the nonce secret every instance shares, 32+ bytes";
    static final Duration LIFETIME = Duration.ofSeconds(300);
    static final ECKey KEY = DpopProofs.newEcKey();
    static final String MISSING = "the DPoP proof must carry the server's nonce";
    static final String UNKNOWN = "the DPoP proof's nonce is not a current one from this server";

    private static FilterServer jetty;
    private static FilterServer tomcat;

    @BeforeAll
    static void start() {
        Map<String, String> params = HARNESS.params();
        params.put("dpop-origin", ORIGIN);
        params.put("dpop-nonce", "required");
        params.put("dpop-nonce-lifetime", Long.toString(LIFETIME.getSeconds()));
        params.put("dpop-nonce-secret", SECRET);
        jetty = HARNESS.start(JettyContainer.INSTANCE, "/app", params);
        tomcat = HARNESS.start(TomcatContainer.INSTANCE, "/app", params);
    }

    static FilterServer on(String container) {
        return container.equals("jetty") ? jetty : tomcat;
    }

    /** The nonce an instance with this secret issued {@code ago}. */
    static String issued(String secret, Duration ago) {
        return DpopSettings.newBuilder().origin(ORIGIN).requireNonce(LIFETIME)
                .nonceSecret(secret.getBytes(StandardCharsets.UTF_8)).clock(TestClock.at(Instant.now().minus(ago)))
                .build().currentNonce();
    }

    /** GET /app/me with a token bound to {@link #KEY} and a fresh proof carrying {@code nonce} (null: none). */
    static Request me(String nonce) {
        String token = IDP.token().claim("cnf", Map.of("jkt", DpopProofs.thumbprint(KEY))).sign();
        String proof = DpopProofs.proof(KEY, "GET", ORIGIN + "/app/me", token, Instant.now()).claim("nonce", nonce)
                .sign();
        return Request.of("GET", "/me", "Authorization", "DPoP " + token, "DPoP", proof);
    }

    static Stream<Arguments> refused() {
        List<Arguments> rows = List.of(
                Arguments.of("no nonce", (Supplier<String>) () -> null, MISSING),
                Arguments.of("a forged nonce", (Supplier<String>) () -> DpopProofs.ath("forged"), UNKNOWN),
                Arguments.of("an expired nonce (two lifetimes ago)",
                        (Supplier<String>) () -> issued(SECRET, LIFETIME.multipliedBy(2).plusSeconds(5)), UNKNOWN),
                Arguments.of("a nonce from another secret",
                        (Supplier<String>) () -> issued("another instance's secret, also 32+ bytes", Duration.ZERO),
                        UNKNOWN));
        return Stream.of("jetty", "tomcat").flatMap(c -> rows.stream().map(r -> Arguments.of(c, r.get()[0],
                r.get()[1], r.get()[2])));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("refused")
    void requestWhenNonceMissingOrNotTheServersThen401UseDpopNonceAndTheRetryWithItServed(String container,
            String name, Supplier<String> nonce, String detail) {
        FilterServer server = on(container);
        Reply refused = server.send(me(nonce.get()));
        assertProblem(refused, 401, detail, null);
        assertEquals("use_dpop_nonce", DpopHttpTest.json(refused).get("error"));
        assertEquals("use_dpop_nonce", DpopHttpTest.json(refused).get("reason"));
        assertEquals(List.of(DpopHttpTest.DPOP + ", error=\"use_dpop_nonce\", error_description=\"" + detail + "\"",
                DpopHttpTest.BEARER), refused.headers().get("WWW-Authenticate"));
        String fresh = refused.header("DPoP-Nonce");
        assertEquals(issued(SECRET, Duration.ZERO), fresh);

        Reply retried = server.send(me(fresh));
        assertEquals(200, retried.status(), retried::body);
        assertNull(retried.header("DPoP-Nonce"), "the current nonce needs no renewal");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void requestWhenNonceOfThePreviousStepThenServedWithTheNextNonce(String container) {
        Reply reply = on(container).send(me(issued(SECRET, LIFETIME)));
        assertEquals(200, reply.status(), reply::body);
        String next = reply.header("DPoP-Nonce");
        assertNotNull(next, "a nonce about to lapse is renewed");
        assertEquals(issued(SECRET, Duration.ZERO), next);
    }
}
