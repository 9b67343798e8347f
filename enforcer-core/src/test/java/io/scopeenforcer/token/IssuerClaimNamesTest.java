package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.FIXED;
import static io.scopeenforcer.token.Fixtures.IDP;
import static io.scopeenforcer.token.Fixtures.OTHER_IDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.testing.TestIssuer;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Claim names set per issuer ({@link TrustedIssuer.Builder#scopeClaims}, {@code tenantClaim}, {@code realmClaim}):
 * IDCS puts the tenant in {@code tenant}, Beyond Identity in {@code bi_t}/{@code bi_r}. One verifier trusts IDP with
 * IDCS-style names and OTHER_IDP with the verifier's own (the defaults); each token is read with its issuer's names.
 */
class IssuerClaimNamesTest {

    private static final TokenVerifier VERIFIER = TokenVerifier.newBuilder()
            .trust(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE)
                    .scopeClaims(List.of("scp")).tenantClaim("tenant").realmClaim("domain").build())
            .trust(TrustedIssuer.jwkSet(OTHER_IDP.issuer(), OTHER_IDP.publicJwkSet()).audience(AUDIENCE).build())
            .clock(FIXED)
            .build();

    /** Issuer, token claims, then the scopes, tenant and realm read. */
    static Stream<Arguments> tokens() {
        return Stream.of(
                Arguments.of("IDCS-style names read for IDP", IDP, (UnaryOperator<TestIssuer.TokenBuilder>) t -> t
                        .scp("a", "b").claim("tenant", "t1").claim("domain", "r1"), "a b", "t1", "r1"),
                Arguments.of("IDP's tokens: the default names are not read", IDP,
                        (UnaryOperator<TestIssuer.TokenBuilder>) t -> t.scope("a").tenant("t1").realm("r1"),
                        "", null, null),
                Arguments.of("OTHER_IDP keeps the verifier's names", OTHER_IDP,
                        (UnaryOperator<TestIssuer.TokenBuilder>) t -> t.scope("a").tenant("t2").realm("r2"),
                        "a", "t2", "r2"),
                Arguments.of("OTHER_IDP: IDP's names are not read", OTHER_IDP,
                        (UnaryOperator<TestIssuer.TokenBuilder>) t -> t.claim("tenant", "t1").claim("domain", "r1"),
                        "", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void verifyWhenIssuerHasOwnClaimNamesThenReadWithThem(String name, TestIssuer issuer,
            UnaryOperator<TestIssuer.TokenBuilder> claims, String scopes, String tenant, String realm) {
        TokenResult result = VERIFIER.verify(claims.apply(issuer.token()).sign());

        assertTrue(result instanceof TokenResult.Valid, () -> "expected valid, got " + result);
        VerifiedToken token = ((TokenResult.Valid) result).token();
        assertEquals(scopes, token.scopes().toSpaceDelimited());
        assertEquals(tenant, token.tenant());
        assertEquals(realm, token.realm());
    }

    static Stream<Arguments> badNames() {
        return Stream.of(
                Arguments.of((Runnable) () -> builder().scopeClaims(List.of()), "scopeClaims must not be empty"),
                Arguments.of((Runnable) () -> builder().scopeClaims(List.of("scp", "scp")),
                        "scopeClaims must not repeat a name"),
                Arguments.of((Runnable) () -> builder().tenantClaim(""), "tenantClaim must not hold an empty claim name"),
                Arguments.of((Runnable) () -> builder().realmClaim(""), "realmClaim must not hold an empty claim name"));
    }

    private static TrustedIssuer.KeySetBuilder builder() {
        return TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet());
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badNames")
    void claimNameWhenBadThenRefusedNamingTheSetting(Runnable setting, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, setting::run).getMessage());
    }
}
