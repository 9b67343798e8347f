package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.scopeenforcer.Enforcer.SenderConstraint;
import io.scopeenforcer.testing.TestCertificates;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy's per-rule {@code sender-constrained} modifier against the enforcer's own setting: the stricter of
 * the two applies, rule by rule, for bearer, certificate-bound and DPoP-bound tokens.
 */
class SenderConstrainedRuleTest {

    static final String POLICY = String.join("\n",
            "GET /plain     authenticated",
            "GET /bound     sender-constrained authenticated",
            "GET /dpop      sender-constrained=dpop authenticated");
    static final String BOUND = "a sender-constrained token (DPoP or certificate-bound) is required";
    static final String DPOP = "a DPoP-bound token, sent with the DPoP scheme, is required";
    static final TestCertificates.Issued CLIENT = SenderConstrainedTokenTest.CLIENT;

    static Enforcer engine(SenderConstraint filterWide) {
        return Enforcer.newBuilder().policy(RoutePolicy.parse(POLICY, "rules.policy"))
                .verifier(io.scopeenforcer.token.TokenVerifier.newBuilder()
                        .trust(SenderConstrainedTokenTest.IDP.trustedIssuer())
                        .clock(SenderConstrainedTokenTest.CLOCK).build())
                .dpop(DpopSettings.newBuilder().origin(SenderConstrainedTokenTest.ORIGIN)
                        .clock(SenderConstrainedTokenTest.CLOCK).build())
                .senderConstraint(filterWide).build();
    }

    enum Token { BEARER, CERTIFICATE, DPOP }

    static Decision request(Enforcer engine, Token token, String path) {
        return switch (token) {
            case BEARER -> engine.decide("Bearer " + SenderConstrainedTokenTest.IDP.token().sign(), "GET", path);
            case CERTIFICATE -> engine.decide("Bearer "
                    + SenderConstrainedTokenTest.certificateBoundToken(CLIENT.certificate()), "GET", path,
                    new ProofOfPossession(List.of(), null, CLIENT.certificate()));
            case DPOP -> {
                String bound = SenderConstrainedTokenTest.boundToken(SenderConstrainedTokenTest.KEY);
                yield engine.decide("DPoP " + bound, "GET", path, ProofOfPossession.dpop(
                        io.scopeenforcer.testing.DpopProofs.proof(SenderConstrainedTokenTest.KEY, "GET",
                                SenderConstrainedTokenTest.ORIGIN + path, bound,
                                SenderConstrainedTokenTest.NOW).sign()));
            }
        };
    }

    static Stream<Arguments> combinations() {
        return Stream.of(
                Arguments.of(SenderConstraint.OPTIONAL, Token.BEARER, "/plain", null),
                Arguments.of(SenderConstraint.OPTIONAL, Token.BEARER, "/bound", BOUND),
                Arguments.of(SenderConstraint.OPTIONAL, Token.BEARER, "/dpop", DPOP),
                Arguments.of(SenderConstraint.OPTIONAL, Token.CERTIFICATE, "/bound", null),
                Arguments.of(SenderConstraint.OPTIONAL, Token.CERTIFICATE, "/dpop", DPOP),
                Arguments.of(SenderConstraint.OPTIONAL, Token.DPOP, "/plain", null),
                Arguments.of(SenderConstraint.OPTIONAL, Token.DPOP, "/bound", null),
                Arguments.of(SenderConstraint.OPTIONAL, Token.DPOP, "/dpop", null),
                // The filter-wide setting is stricter than a plain rule: it applies there.
                Arguments.of(SenderConstraint.REQUIRED, Token.BEARER, "/plain", BOUND),
                Arguments.of(SenderConstraint.REQUIRED, Token.CERTIFICATE, "/plain", null),
                Arguments.of(SenderConstraint.REQUIRED, Token.CERTIFICATE, "/dpop", DPOP),
                Arguments.of(SenderConstraint.DPOP, Token.CERTIFICATE, "/bound", DPOP),
                Arguments.of(SenderConstraint.DPOP, Token.DPOP, "/bound", null));
    }

    @ParameterizedTest(name = "[{index}] filter {0}, {1} token on {2}")
    @MethodSource("combinations")
    void decideWhenRuleOrFilterSenderConstrainedThenTheStricterApplies(SenderConstraint filterWide, Token token,
            String path, String refusal) {
        Decision decision = request(engine(filterWide), token, path);
        if (refusal == null) {
            assertInstanceOf(Decision.Allow.class, decision, decision::toString);
            return;
        }
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, decision);
        assertEquals(Decision.Reason.INVALID_TOKEN, deny.reason());
        assertEquals(io.scopeenforcer.token.TokenFailure.SENDER_BINDING, deny.tokenFailure());
        assertEquals(refusal, deny.description());
    }

    @Test
    void buildWhenDpopRuleAndDpopOffThenRefusedNamingTheRule() {
        Enforcer.Builder builder = Enforcer.newBuilder().policy(RoutePolicy.parse(POLICY, "rules.policy"))
                .verifier(io.scopeenforcer.token.TokenVerifier.newBuilder()
                        .trust(SenderConstrainedTokenTest.IDP.trustedIssuer()).build());
        assertEquals("rules.policy:3: sender-constrained=dpop needs dpop settings",
                assertThrows(IllegalStateException.class, builder::build).getMessage());
    }
}
