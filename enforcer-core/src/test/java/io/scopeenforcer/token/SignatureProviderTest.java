package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.IDP;
import static io.scopeenforcer.token.Fixtures.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Security;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The signature provider choice: {@code auto} takes Amazon Corretto Crypto Provider when it is on the class path
 * (it is, in these tests), {@code bc} BouncyCastle, {@code jdk} the JDK's, and all decide every token alike; no
 * provider is ever installed globally.
 */
class SignatureProviderTest {

    private static TokenVerifier verifier(String provider) {
        return TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE)
                        .algorithms(List.of("RS256", "RS384", "RS512", "PS256", "ES256", "EdDSA"))
                        .signatureProvider(provider).build())
                .clock(Fixtures.FIXED).cacheMaxEntries(0).build();
    }

    @Test
    void signatureProviderWhenChoiceThenThatProvider() {
        assertTrue(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE).build().toString()
                .contains("signatures=AmazonCorrettoCryptoProvider"), "auto picks ACCP when it is on the class path");
        assertTrue(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE).signatureProvider("jdk")
                .build().toString().contains("signatures=jdk"));
        assertTrue(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE).signatureProvider("SunEC")
                .build().toString().contains("signatures=SunEC"), "an installed provider by name");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).signatureProvider("NoSuchProvider"));
        assertTrue(unknown.getMessage().contains("NoSuchProvider"), unknown.getMessage());
        assertNull(Security.getProvider("AmazonCorrettoCryptoProvider"), "never installed behind the app's back");
    }

    static Stream<Arguments> tokens() {
        return Stream.of(
                Arguments.of("RS256", (Supplier<String>) () -> IDP.token().sign(), null),
                Arguments.of("RS512", (Supplier<String>) () -> IDP.token().algorithm("RS512").sign(), null),
                Arguments.of("PS256", (Supplier<String>) () -> IDP.token().algorithm("PS256").sign(), null),
                Arguments.of("ES256", (Supplier<String>) () -> IDP.token().signedWith(IDP.ec()).sign(), null),
                Arguments.of("EdDSA", (Supplier<String>) () -> IDP.token().signedWith(IDP.ed25519()).sign(), null),
                Arguments.of("ES256 all-zero signature (CVE-2022-21449)", (Supplier<String>) () -> IDP.token()
                        .signedWith(IDP.ec()).signature(Fixtures.b64(new byte[64])).sign(), TokenFailure.BAD_SIGNATURE),
                Arguments.of("EdDSA all-zero signature", (Supplier<String>) () -> IDP.token().signedWith(IDP.ed25519())
                        .signature(Fixtures.b64(new byte[64])).sign(), TokenFailure.BAD_SIGNATURE),
                Arguments.of("RS256 swapped payload", (Supplier<String>) () -> {
                    String[] a = IDP.token().sign().split("\\.");
                    String[] b = IDP.token().subject("admin").sign().split("\\.");
                    return a[0] + "." + b[1] + "." + a[2];
                }, TokenFailure.BAD_SIGNATURE),
                Arguments.of("PS256 signature labelled RS256", (Supplier<String>) () -> {
                    String ps = IDP.token().algorithm("PS256").sign();
                    String rs = IDP.token().sign();
                    return rs.substring(0, rs.lastIndexOf('.')) + ps.substring(ps.lastIndexOf('.'));
                }, TokenFailure.BAD_SIGNATURE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void verifyWhenProviderIsAccpBcOrJdkThenSameDecision(String name, Supplier<String> token, TokenFailure expected) {
        String t = token.get();
        assertEquals(expected, failureOf(verifier("accp").verify(t)), "accp");
        assertEquals(expected, failureOf(verifier("bc").verify(t)), "bc");
        assertEquals(expected, failureOf(verifier("jdk").verify(t)), "jdk");
    }

    /**
     * Without ACCP, {@code auto} takes BouncyCastle for the curves and keeps the JDK for RSA (the faster of each,
     * BENCHMARKS.md); {@code bc} takes it for both, as a private instance.
     */
    @Test
    void signatureProviderWhenBcThenAPrivateInstanceAndAutoWithoutAccpSplitsByFamily() {
        SignatureProviders.Choice bc = SignatureProviders.resolve("bc");
        assertEquals("BC", bc.curves().getName());
        assertTrue(bc.rsa() == bc.curves());
        assertNull(Security.getProvider("BC"), "never installed behind the app's back");
        // What auto answers when ACCP cannot be had (it can here): BouncyCastle for the curves, the JDK for RSA.
        SignatureProviders.Choice split = new SignatureProviders.Choice(null, bc.curves());
        assertEquals("jdk (RSA), BC " + bc.curves().getVersionStr() + " (EC, EdDSA)", split.toString());
    }
}
