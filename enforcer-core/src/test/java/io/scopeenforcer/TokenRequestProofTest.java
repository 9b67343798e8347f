package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.ECKey;
import io.scopeenforcer.testing.DpopProofs;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link TokenRequestProof}: a token endpoint's proof check (RFC 9449 §5), without {@code ath}. */
class TokenRequestProofTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final String PATH = "/oauth2/v1/token";
    private static final String HTU = "https://as.example.com" + PATH;
    private static final ECKey KEY = DpopProofs.newEcKey();

    /** The headers sent, and the thumbprint or problem expected. */
    record Case(String name, Function<DpopProofs, List<String>> headers, String thumbprint, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static DpopProofs proof() {
        return DpopProofs.proof(KEY, "POST", HTU, "unused", NOW).claim("ath", null);
    }

    static Stream<Case> cases() {
        String jkt = DpopProofs.thumbprint(KEY);
        return Stream.of(
                new Case("valid, no ath", p -> List.of(p.sign()), jkt, null),
                new Case("valid, with an ath (not checked)", p -> List.of(p.claim("ath", "anything").sign()), jkt,
                        null),
                new Case("no header", p -> List.of(), null, "a DPoP proof is required"),
                new Case("two headers", p -> List.of(p.sign(), proof().sign()), null, "more than one DPoP header"),
                new Case("htm GET", p -> List.of(p.claim("htm", "GET").sign()), null,
                        "the DPoP proof's htm is not the request method"),
                new Case("htu of another origin", p -> List.of(p.claim("htu", "https://api.example.com" + PATH).sign()),
                        null, "the DPoP proof's htu is not the request URI"),
                new Case("HS256", p -> List.of(p.hmac(new byte[32]).sign()), null,
                        "the DPoP proof's alg is not accepted"),
                new Case("iat a day ago", p -> List.of(p.claim("iat", NOW.minusSeconds(86_400).getEpochSecond())
                        .sign()), null, "the DPoP proof is too old"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void checksTheProofOfATokenRequest(Case c) {
        DpopSettings settings = DpopSettings.newBuilder().origin("https://as.example.com")
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

        TokenRequestProof.Result result = TokenRequestProof.check(settings, c.headers().apply(proof()), "POST", PATH);

        assertEquals(new TokenRequestProof.Result(c.thumbprint(), c.problem()), result);
    }

    @ParameterizedTest(name = "replayed after {0}")
    @MethodSource("cases")
    void anAcceptedProofWorksOnceARefusedOneIsNotRemembered(Case c) {
        DpopSettings settings = DpopSettings.newBuilder().origin("https://as.example.com")
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        List<String> headers = c.headers().apply(proof());
        TokenRequestProof.check(settings, headers, "POST", PATH);

        TokenRequestProof.Result again = TokenRequestProof.check(settings, headers, "POST", PATH);

        assertEquals(c.thumbprint() == null ? c.problem() : "the DPoP proof was already used", again.problem());
    }
}
