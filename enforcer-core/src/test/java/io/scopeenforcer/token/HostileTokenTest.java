package io.scopeenforcer.token;

import static io.scopeenforcer.token.Fixtures.ATTACKER;
import static io.scopeenforcer.token.Fixtures.AUDIENCE;
import static io.scopeenforcer.token.Fixtures.HMAC_ISSUER;
import static io.scopeenforcer.token.Fixtures.HMAC_SECRET;
import static io.scopeenforcer.token.Fixtures.IDP;
import static io.scopeenforcer.token.Fixtures.NOW;
import static io.scopeenforcer.token.Fixtures.OTHER_IDP;
import static io.scopeenforcer.token.Fixtures.b64;
import static io.scopeenforcer.token.Fixtures.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.Base64URL;
import io.scopeenforcer.testing.JwksServer;
import io.scopeenforcer.testing.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tokens an attacker (or a broken issuer) sends, each with the failure it must get. Every row runs against
 * a verifier without cache and one with cache (twice), which must agree.
 */
class HostileTokenTest {

    /** Serves the attacker's keys; tokens point at it with jku/x5u; it must never be asked. */
    private static final JwksServer ATTACKER_JWKS = JwksServer.start(ATTACKER.publicJwkSet());

    private static final TokenVerifier UNCACHED = Fixtures.verifier(0);
    /** Held strongly: java.util.logging keeps loggers weakly. */
    private static final java.util.logging.Logger VERIFIER_LOG =
            java.util.logging.Logger.getLogger(TokenVerifier.class.getName());
    private static final TokenVerifier CACHED = Fixtures.verifier(1000);

    @AfterAll
    static void stopServer() {
        ATTACKER_JWKS.close();
    }

    static Stream<Arguments> hostileTokens() {
        return Stream.of(
                // Unsecured tokens (RFC 8725 §3.2): any spelling of none.
                row("alg none, unsigned", () -> IDP.token().algorithm("none").unsigned().sign(), TokenFailure.UNSUPPORTED),
                row("alg None, unsigned", () -> IDP.token().algorithm("None").unsigned().sign(), TokenFailure.UNSUPPORTED),
                row("alg NONE, unsigned", () -> IDP.token().algorithm("NONE").unsigned().sign(), TokenFailure.UNSUPPORTED),
                row("alg none with a signature", () -> IDP.token().algorithm("none").signature(b64("sig")).sign(),
                        TokenFailure.UNSUPPORTED),
                row("no alg at all", () -> IDP.token().algorithm(null).signature(b64("sig")).sign(), TokenFailure.MALFORMED),
                // Algorithm confusion (CVE-2015-9235 family): the RSA public key as an HMAC secret.
                row("HS256 with the RSA public key as secret", () -> IDP.token()
                        .hmac(IDP.rsa().keyPair().getPublic().getEncoded()).sign(), TokenFailure.UNSUPPORTED),
                row("HS256 with the RSA JWK JSON as secret", () -> IDP.token()
                        .hmac(IDP.rsa().publicJwk().toJSONString().getBytes(StandardCharsets.UTF_8)).sign(),
                        TokenFailure.UNSUPPORTED),
                row("HS256 for the HMAC issuer, wrong secret", () -> IDP.token().issuer(HMAC_ISSUER)
                        .hmac(IDP.rsa().keyPair().getPublic().getEncoded()).sign(), TokenFailure.BAD_SIGNATURE),
                row("RS256 for the HMAC-only issuer", () -> IDP.token().issuer(HMAC_ISSUER).sign(),
                        TokenFailure.UNSUPPORTED),
                row("ES512 (not in the default list)", () -> IDP.token().algorithm("ES512").signature(b64(new byte[132]))
                        .sign(), TokenFailure.UNSUPPORTED),
                // Keys named by the token itself are never used (CVE-2018-0114).
                row("embedded jwk, attacker kid", () -> ATTACKER.token()
                        .header("jwk", ATTACKER.rsa().publicJwk()).sign(), TokenFailure.UNKNOWN_KEY),
                row("embedded jwk, trusted kid", () -> ATTACKER.token().keyId(IDP.rsa().kid())
                        .header("jwk", ATTACKER.rsa().publicJwk().toJSONObject()).sign(), TokenFailure.BAD_SIGNATURE),
                row("embedded jwk, no kid", () -> ATTACKER.token().noKeyId()
                        .header("jwk", ATTACKER.rsa().publicJwk()).sign(), TokenFailure.BAD_SIGNATURE),
                row("jku to the attacker's JWKS", () -> ATTACKER.token()
                        .header("jku", ATTACKER_JWKS.uri().toString()).sign(), TokenFailure.UNKNOWN_KEY),
                row("x5u to the attacker's server", () -> ATTACKER.token()
                        .header("x5u", ATTACKER_JWKS.uri("/cert.pem").toString()).sign(), TokenFailure.UNKNOWN_KEY),
                row("x5c with attacker bytes", () -> ATTACKER.token()
                        .header("x5c", List.of(Base64URL.encode(ATTACKER.rsa().keyPair().getPublic().getEncoded())
                                .toString().replace('-', '+').replace('_', '/')))
                        .sign(), TokenFailure.UNKNOWN_KEY),
                row("unknown kid", () -> IDP.token().keyId("no-such-key").sign(), TokenFailure.UNKNOWN_KEY),
                row("kid of the EC key on an RS256 token", () -> IDP.token().keyId(IDP.ec().kid()).sign(),
                        TokenFailure.UNKNOWN_KEY),
                row("kid of the RSA key on an ES256 token", () -> IDP.token().signedWith(IDP.ec())
                        .keyId(IDP.rsa().kid()).sign(), TokenFailure.UNKNOWN_KEY),
                row("ES384 on a P-256 key", () -> IDP.token().signedWith(IDP.ec()).algorithm("ES384")
                        .signature(b64(new byte[96])).sign(), TokenFailure.UNKNOWN_KEY),
                row("another trusted issuer's key and kid", () -> IDP.token().signedWith(OTHER_IDP.rsa()).sign(),
                        TokenFailure.UNKNOWN_KEY),
                row("another issuer's key under our kid", () -> ATTACKER.token().keyId(IDP.rsa().kid()).sign(),
                        TokenFailure.BAD_SIGNATURE),
                // Headers that change the meaning of the JWS (RFC 7515 §4.1.11, RFC 7797).
                row("unknown crit", () -> IDP.token().header("crit", List.of("x-policy")).header("x-policy", "y").sign(),
                        TokenFailure.UNSUPPORTED),
                row("crit naming a registered header", () -> IDP.token().header("crit", List.of("exp")).sign(),
                        TokenFailure.UNSUPPORTED),
                row("b64 false, critical", () -> IDP.token().header("b64", false).header("crit", List.of("b64")).sign(),
                        TokenFailure.UNSUPPORTED),
                row("b64 false, not critical", () -> IDP.token().header("b64", false).sign(), TokenFailure.UNSUPPORTED),
                row("nested JWT (cty JWT)", () -> IDP.token().header("cty", "JWT").sign(), TokenFailure.UNSUPPORTED),
                row("nested JWT (cty jwt)", () -> IDP.token().header("cty", "jwt").sign(), TokenFailure.UNSUPPORTED),
                row("JWE header in three parts", () -> IDP.token().rawHeader("{\"alg\":\"RSA-OAEP\",\"enc\":\"A128GCM\"}")
                        .signature(b64("x")).sign(), TokenFailure.UNSUPPORTED),
                row("JWE, PBES2 with a huge p2c", HostileTokenTest::pbes2Jwe, TokenFailure.UNSUPPORTED),
                // Found by TokenVerifierFuzzTest: Nimbus parses it as a JWE header with a null alg (an NPE, swallowed).
                row("enc and no alg", () -> IDP.token().rawHeader("{\"enc\":\"A128GCM\"}").sign(), TokenFailure.MALFORMED),
                row("enc, no alg, kid", () -> IDP.token().rawHeader("{\"enc\":\"A128GCM\",\"kid\":\"" + IDP.rsa().kid()
                        + "\"}").sign(), TokenFailure.MALFORMED),
                // Signatures.
                row("ES256 all-zero signature (CVE-2022-21449)", () -> IDP.token().signedWith(IDP.ec())
                        .signature(b64(new byte[64])).sign(), TokenFailure.BAD_SIGNATURE),
                row("EdDSA all-zero signature", () -> IDP.token().signedWith(IDP.ed25519())
                        .signature(b64(new byte[64])).sign(), TokenFailure.BAD_SIGNATURE),
                row("truncated RSA signature", () -> truncateSignature(IDP.token().sign(), 1), TokenFailure.BAD_SIGNATURE),
                row("truncated EC signature", () -> truncateSignature(IDP.token().signedWith(IDP.ec()).sign(), 2),
                        TokenFailure.BAD_SIGNATURE),
                row("empty signature", () -> IDP.token().unsigned().sign(), TokenFailure.MALFORMED),
                row("swapped payload", () -> swapPayload(IDP.token().sign(), IDP.token().subject("admin").sign()),
                        TokenFailure.BAD_SIGNATURE),
                row("signed as PS256, labelled RS256", () -> {
                    String ps = IDP.token().algorithm("PS256").sign();
                    String rs = IDP.token().sign();
                    return rs.substring(0, rs.lastIndexOf('.')) + ps.substring(ps.lastIndexOf('.'));
                }, TokenFailure.BAD_SIGNATURE),
                // JSON parser abuse.
                row("duplicate alg in header", () -> IDP.token()
                        .rawHeader("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"alg\":\"none\"}").sign(), TokenFailure.MALFORMED),
                row("duplicate sub in payload", () -> IDP.token().rawPayload(payloadWith("\"sub\":\"alice\",\"sub\":\"admin\""))
                        .sign(), TokenFailure.MALFORMED),
                row("deeply nested payload", () -> IDP.token().rawPayload(payloadWith("\"x\":" + "[".repeat(4000)
                        + "]".repeat(4000))).sign(), TokenFailure.MALFORMED),
                row("deeply nested header", () -> IDP.token().rawHeader("{\"alg\":\"RS256\",\"x\":" + "{\"a\":".repeat(1000)
                        + "1" + "}".repeat(1000) + "}").sign(), TokenFailure.MALFORMED),
                row("payload is a JSON array", () -> IDP.token().rawPayload("[]").sign(), TokenFailure.MALFORMED),
                row("payload is an array of pairs", () -> IDP.token().rawPayload("[[\"iss\",\"" + IDP.issuer()
                        + "\"],[\"aud\",\"" + AUDIENCE + "\"],[\"sub\",\"a\"],[\"exp\"," + (NOW.getEpochSecond() + 60)
                        + "]]").sign(), TokenFailure.MALFORMED),
                row("header is an array of pairs", () -> IDP.token().rawHeader("[[\"alg\",\"RS256\"],[\"kid\",\""
                        + IDP.rsa().kid() + "\"]]").sign(), TokenFailure.MALFORMED),
                row("payload is not JSON", () -> IDP.token().rawPayload("hello").sign(), TokenFailure.MALFORMED),
                row("header is not JSON", () -> IDP.token().rawHeader("RS256").sign(), TokenFailure.MALFORMED),
                // Base64url must be canonical (RFC 7515 §2).
                row("padding in header", () -> IDP.token().sign().replaceFirst("\\.", "=."), TokenFailure.MALFORMED),
                row("padding in signature", () -> IDP.token().sign() + "==", TokenFailure.MALFORMED),
                row("+ and / in signature", () -> toStandardAlphabet(IDP.token().sign()), TokenFailure.MALFORMED),
                row("non-zero trailing bits in signature", () -> setTrailingBits(IDP.token().sign()), TokenFailure.MALFORMED),
                row("impossible segment length", () -> IDP.token().sign() + "AAA", TokenFailure.MALFORMED),
                row("whitespace inside", () -> IDP.token().sign().replaceFirst("\\.", ". "), TokenFailure.MALFORMED),
                // Shape and size.
                row("empty string", () -> "", TokenFailure.MALFORMED),
                row("two parts", () -> "eyJhbGciOiJSUzI1NiJ9.e30", TokenFailure.MALFORMED),
                row("four parts", () -> IDP.token().sign() + ".AAAA", TokenFailure.MALFORMED),
                row("six parts", () -> "a.b.c.d.e.f", TokenFailure.MALFORMED),
                row("only dots", () -> "..", TokenFailure.MALFORMED),
                row("with the Bearer prefix", () -> "Bearer " + IDP.token().sign(), TokenFailure.MALFORMED),
                row("1 MiB token", () -> IDP.token().claim("pad", "x".repeat(1 << 20)).sign(), TokenFailure.TOO_LARGE),
                row("one char over 16 KiB", () -> "A".repeat(16 * 1024 + 1), TokenFailure.TOO_LARGE),
                // Claims.
                row("exp as a string", () -> IDP.token().claim("exp", String.valueOf(NOW.getEpochSecond() + 300)).sign(),
                        TokenFailure.MALFORMED),
                row("missing exp", () -> IDP.token().claim("exp", null).sign(), TokenFailure.MALFORMED),
                row("iat as a string", () -> IDP.token().claim("iat", "yesterday").sign(), TokenFailure.MALFORMED),
                row("no sub and no client id", () -> IDP.token().noSubject().clientId(null).sign(), TokenFailure.MALFORMED),
                row("client_id as a number", () -> IDP.token().claim("client_id", 42).sign(), TokenFailure.MALFORMED),
                row("tenant claim as an array", () -> IDP.token().claim("bi_t", List.of("a", "b")).sign(),
                        TokenFailure.MALFORMED),
                // Time claims out of any sane range: seconds * 1000 overflows a long, so a far-future nbf or iat
                // must not wrap into the past, and a huge exp is malformed, not "expired".
                row("nbf 1e16", () -> IDP.token().claim("nbf", 1e16).sign(), TokenFailure.MALFORMED),
                row("nbf 2^63", () -> IDP.token().rawPayload(payloadWith("\"nbf\":9223372036854775808")).sign(),
                        TokenFailure.MALFORMED),
                row("nbf Long.MAX_VALUE", () -> IDP.token().claim("nbf", Long.MAX_VALUE).sign(), TokenFailure.MALFORMED),
                row("nbf 1e20", () -> IDP.token().claim("nbf", 1e20).sign(), TokenFailure.MALFORMED),
                row("iat 1e20", () -> IDP.token().claim("iat", 1e20).sign(), TokenFailure.MALFORMED),
                row("iat 1e16", () -> IDP.token().claim("iat", 1e16).sign(), TokenFailure.MALFORMED),
                row("iat negative", () -> IDP.token().claim("iat", -1).sign(), TokenFailure.MALFORMED),
                row("nbf as a string", () -> IDP.token().claim("nbf", "0").sign(), TokenFailure.MALFORMED),
                row("nbf as a boolean", () -> IDP.token().claim("nbf", true).sign(), TokenFailure.MALFORMED),
                row("exp 1e16", () -> IDP.token().claim("exp", 1e16).sign(), TokenFailure.MALFORMED),
                row("exp 2^63", () -> IDP.token().rawPayload("{\"iss\":\"" + IDP.issuer() + "\",\"aud\":\"" + AUDIENCE
                        + "\",\"client_id\":\"c\",\"exp\":9223372036854775808}").sign(), TokenFailure.MALFORMED),
                row("exp 1e20", () -> IDP.token().claim("exp", 1e20).sign(), TokenFailure.MALFORMED),
                row("exp negative", () -> IDP.token().claim("exp", -1).sign(), TokenFailure.MALFORMED),
                row("exp year 10000", () -> IDP.token().claim("exp", 253_402_300_800L).sign(), TokenFailure.MALFORMED),
                row("exp NaN-like string", () -> IDP.token().claim("exp", "NaN").sign(), TokenFailure.MALFORMED),
                row("nbf just past the skew", () -> IDP.token().notBefore(NOW.plusSeconds(61)).sign(),
                        TokenFailure.NOT_YET_VALID),
                // sub is a StringOrURI (RFC 7519 §4.1.2): Nimbus would make "5" of 5.
                row("sub as a number", () -> IDP.token().claim("sub", 5).sign(), TokenFailure.MALFORMED),
                row("sub as an object", () -> IDP.token().claim("sub", Map.of("id", "a")).sign(), TokenFailure.MALFORMED),
                row("sub as an array", () -> IDP.token().claim("sub", List.of("a")).sign(), TokenFailure.MALFORMED),
                row("sub empty and no client id", () -> IDP.token().subject("").clientId(null).sign(),
                        TokenFailure.MALFORMED),
                row("client_id empty and no sub", () -> IDP.token().noSubject().clientId("").sign(),
                        TokenFailure.MALFORMED),
                // RFC 7519 §7.2 / RFC 8259 §8.1: the claims are UTF-8; no byte is replaced with U+FFFD.
                row("claims with a lone 0xFF byte", () -> IDP.token().rawPayloadBytes(bytesWith("\"sub\":\"a\u00ff\"",
                        (byte) 0xFF)).sign(), TokenFailure.MALFORMED),
                row("claims with an overlong encoding", () -> IDP.token().rawPayloadBytes(bytesWith("\"sub\":\"a/\"",
                        (byte) 0xC0, (byte) 0xAF)).sign(), TokenFailure.MALFORMED),
                row("claims with a truncated sequence", () -> IDP.token().rawPayloadBytes(bytesWith("\"sub\":\"a\u00e9\"",
                        (byte) 0xC3)).sign(), TokenFailure.MALFORMED),
                row("claims with an encoded surrogate", () -> IDP.token().rawPayloadBytes(bytesWith("\"sub\":\"a\ud800\"",
                        (byte) 0xED, (byte) 0xA0, (byte) 0x80)).sign(), TokenFailure.MALFORMED),
                row("claims in Latin-1", () -> IDP.token().rawPayload(payloadWith("\"sub\":\"caf\u00e9\""))
                        .rawPayloadBytes(payloadWith("\"sub\":\"caf\u00e9\"").getBytes(StandardCharsets.ISO_8859_1))
                        .sign(), TokenFailure.MALFORMED),
                row("expired a year ago", () -> IDP.token().expiresIn(Duration.ofDays(-365)).sign(), TokenFailure.EXPIRED),
                row("iat a day ahead", () -> IDP.token().issuedAt(NOW.plus(Duration.ofDays(1)))
                        .expiresIn(Duration.ofDays(2)).sign(), TokenFailure.NOT_YET_VALID),
                row("wrong issuer", () -> IDP.token().issuer("https://evil.example.test").sign(), TokenFailure.WRONG_ISSUER),
                row("issuer with a trailing slash", () -> IDP.token().issuer(IDP.issuer() + "/").sign(),
                        TokenFailure.WRONG_ISSUER),
                row("issuer in upper case", () -> IDP.token().issuer(IDP.issuer().toUpperCase(java.util.Locale.ROOT))
                        .sign(), TokenFailure.WRONG_ISSUER),
                row("no issuer", () -> IDP.token().issuer(null).sign(), TokenFailure.WRONG_ISSUER),
                row("issuer as a number", () -> IDP.token().claim("iss", 7).sign(), TokenFailure.MALFORMED),
                row("attacker token for an untrusted issuer", () -> ATTACKER.token().issuer("https://attacker.test").sign(),
                        TokenFailure.WRONG_ISSUER),
                row("wrong audience", () -> IDP.token().audience("https://other-api.example.test").sign(),
                        TokenFailure.WRONG_AUDIENCE),
                row("audience array without ours", () -> IDP.token().audience("a", "b").sign(), TokenFailure.WRONG_AUDIENCE),
                row("audience differing in case", () -> IDP.token().audience(AUDIENCE.toUpperCase(java.util.Locale.ROOT))
                        .sign(), TokenFailure.WRONG_AUDIENCE),
                row("no audience", () -> IDP.token().claim("aud", null).sign(), TokenFailure.WRONG_AUDIENCE),
                row("audience array of numbers", () -> IDP.token().claim("aud", List.of(1, 2)).sign(),
                        TokenFailure.MALFORMED),
                // Types (RFC 9068 §2.1, RFC 8725 §3.11).
                row("typ JOSE+JSON", () -> IDP.token().type("JOSE+JSON").sign(), TokenFailure.WRONG_TYPE),
                row("typ JOSE", () -> IDP.token().type("JOSE").sign(), TokenFailure.WRONG_TYPE),
                row("typ id_token+jwt", () -> IDP.token().type("id_token+jwt").sign(), TokenFailure.WRONG_TYPE),
                row("typ with a dotted capital I", () -> IDP.token().type("appl\u0130cation/at+jwt").sign(),
                        TokenFailure.WRONG_TYPE),
                row("typ with a dotless i", () -> IDP.token().type("appl\u0131cation/at+jwt").sign(),
                        TokenFailure.WRONG_TYPE),
                row("typ with a trailing space", () -> IDP.token().type("at+jwt ").sign(), TokenFailure.WRONG_TYPE),
                row("typ empty", () -> IDP.token().type("").sign(), TokenFailure.WRONG_TYPE),
                row("typ as a number", () -> IDP.token().header("typ", 1).sign(), TokenFailure.MALFORMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTokens")
    void verifyWhenTokenIsHostileThenExpectedFailure(String name, Supplier<String> token, TokenFailure expected) {
        String compact = token.get();
        List<String> swallowed = new java.util.ArrayList<>();
        java.util.logging.Handler watcher = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (String.valueOf(record.getMessage()).startsWith("unexpected")) {
                    swallowed.add(String.valueOf(record.getParameters()[0]));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        VERIFIER_LOG.addHandler(watcher);
        TokenResult fresh;
        try {
            fresh = UNCACHED.verify(compact);
        } finally {
            VERIFIER_LOG.removeHandler(watcher);
        }
        // The verifier's last-resort catch turns a parser exception into "malformed"; a row must be diagnosed.
        assertEquals(List.of(), swallowed, name + ": an exception was swallowed");
        assertEquals(expected, failureOf(fresh), () -> name + ": " + fresh);
        assertEquals(fresh, CACHED.verify(compact), "cached verifier, first time");
        assertEquals(fresh, CACHED.verify(compact), "cached verifier, second time");
        String description = ((TokenResult.Invalid) fresh).description();
        assertFalse(compact.length() > 8 && description.contains(compact.substring(0, 8)),
                "the description must not echo the token: " + description);
        assertEquals(0, ATTACKER_JWKS.fetches(), "keys named by the token must never be fetched");
    }

    @Test
    void verifyWhenPbes2JweHasHugeIterationCountThenFailsFast() {
        String jwe = pbes2Jwe();
        TokenResult result = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> UNCACHED.verify(jwe));
        assertEquals(TokenFailure.UNSUPPORTED, failureOf(result));
    }

    @Test
    void verifyWhenStrictTypeThenOnlyAtJwtPasses() {
        TokenVerifier strict = TokenVerifier.newBuilder()
                .trust(TrustedIssuer.jwkSet(IDP.issuer(), IDP.publicJwkSet()).audience(AUDIENCE)
                        .strictTokenType(true).build())
                .clock(Fixtures.FIXED).build();
        Map<String, TokenFailure> cases = new java.util.LinkedHashMap<>();
        cases.put("at+jwt", null);
        cases.put("AT+JWT", null);
        cases.put("application/at+jwt", null);
        cases.put("JWT", TokenFailure.WRONG_TYPE);
        cases.put("application/jwt", TokenFailure.WRONG_TYPE);
        cases.put("JOSE", TokenFailure.WRONG_TYPE);
        cases.forEach((typ, expected) ->
                assertEquals(expected, failureOf(strict.verify(IDP.token().type(typ).sign())), typ));
        assertEquals(TokenFailure.WRONG_TYPE, failureOf(strict.verify(IDP.token().noType().sign())), "absent");
    }

    @Test
    void verifyWhenTokenIsHostileThenTheValidTwinPasses() {
        // Guards the table against rows that fail for a reason other than the one they stage.
        assertTrue(UNCACHED.verify(IDP.token().sign()) instanceof TokenResult.Valid);
        assertTrue(UNCACHED.verify(IDP.token().signedWith(IDP.ec()).sign()) instanceof TokenResult.Valid);
        assertTrue(UNCACHED.verify(IDP.token().issuer(HMAC_ISSUER).hmac(HMAC_SECRET).sign()) instanceof TokenResult.Valid);
        assertTrue(UNCACHED.verify(IDP.token().rawPayload(payloadWith("\"sub\":\"alice\"")).sign())
                instanceof TokenResult.Valid);
        assertTrue(UNCACHED.verify(IDP.token().rawPayloadBytes(payloadWith("\"sub\":\"caf\u00e9 \ud83d\ude00\"")
                .getBytes(StandardCharsets.UTF_8)).sign()) instanceof TokenResult.Valid, "UTF-8 outside ASCII");
        assertTrue(UNCACHED.verify(IDP.token().claim("nbf", NOW.getEpochSecond() + 60).claim("iat", 0).sign())
                instanceof TokenResult.Valid, "nbf at the skew edge, iat at the epoch");
        assertTrue(UNCACHED.verify(IDP.token().claim("exp", 253_402_300_799L).sign()) instanceof TokenResult.Valid,
                "exp at the last second of year 9999");
        assertTrue(UNCACHED.verify(IDP.token().claim("nbf", (double) (NOW.getEpochSecond() - 1) + 0.5).sign())
                instanceof TokenResult.Valid, "a fractional NumericDate (RFC 7519 §2)");
    }

    private static Arguments row(String name, Supplier<String> token, TokenFailure expected) {
        return Arguments.of(name, token, expected);
    }

    /** A valid payload for {@link Fixtures#IDP} with extra JSON members. */
    private static String payloadWith(String members) {
        return "{\"iss\":\"" + IDP.issuer() + "\",\"aud\":\"" + AUDIENCE + "\",\"exp\":" + (NOW.getEpochSecond() + 300)
                + ",\"client_id\":\"c\"," + members + "}";
    }

    /**
     * A valid payload whose {@code sub} value is spelled by {@code bytes}: {@code template} is the JSON member as
     * text, with its value's last character replaced by the given raw bytes.
     */
    private static byte[] bytesWith(String template, byte... bytes) {
        String json = payloadWith(template);
        int quote = json.lastIndexOf('"', json.lastIndexOf('"') - 1);
        String before = json.substring(0, json.indexOf(template) + template.length() - 2);
        String after = json.substring(json.indexOf(template) + template.length() - 1);
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        byte[] tail = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + bytes.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(bytes, 0, out, head.length, bytes.length);
        System.arraycopy(tail, 0, out, head.length + bytes.length, tail.length);
        assert quote >= 0;
        return out;
    }

    private static String pbes2Jwe() {
        String header = "{\"alg\":\"PBES2-HS512+A256KW\",\"enc\":\"A256GCM\",\"p2c\":2147483647,\"p2s\":\""
                + b64("salt-salt-salt") + "\"}";
        return b64(header) + "." + b64(new byte[40]) + "." + b64(new byte[12]) + "." + b64(new byte[32]) + "."
                + b64(new byte[16]);
    }

    private static String truncateSignature(String token, int bytes) {
        int dot = token.lastIndexOf('.');
        byte[] sig = new Base64URL(token.substring(dot + 1)).decode();
        return token.substring(0, dot + 1) + b64(Arrays.copyOf(sig, sig.length - bytes));
    }

    private static String swapPayload(String token, String other) {
        String[] a = token.split("\\.");
        String[] b = other.split("\\.");
        return a[0] + "." + b[1] + "." + a[2];
    }

    private static String toStandardAlphabet(String token) {
        // Re-sign until the signature holds a - or _, so that the standard alphabet actually differs.
        String t = token;
        while (!t.substring(t.lastIndexOf('.')).matches(".*[-_].*")) {
            t = IDP.token().sign();
        }
        int dot = t.lastIndexOf('.');
        return t.substring(0, dot) + t.substring(dot).replace('-', '+').replace('_', '/');
    }

    private static String setTrailingBits(String token) {
        // A 256-byte RSA signature is 342 characters: the last one carries 4 unused bits.
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char bumped = alphabet.charAt(alphabet.indexOf(last) | 1);
        return token.substring(0, token.length() - 1) + bumped;
    }

    static TestIssuer attacker() {
        return ATTACKER;
    }
}
