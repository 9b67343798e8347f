package io.scopeenforcer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.testing.DpopProofs;
import io.scopeenforcer.testing.TestClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the DPoP proof check (RFC 9449 §4.3): a fuzzed proof string is always refused and
 * nothing escapes; fuzzed claims, genuinely signed by the proof key, are accepted only when an independent
 * reading of every claim says they fit the request. In CI it replays the committed seeds.
 */
class DpopProofFuzzTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final DpopSettings SETTINGS = DpopSettings.newBuilder().origin("https://api.example.test")
            .clock(TestClock.at(NOW)).build();
    static final ECKey KEY = DpopProofs.newEcKey();
    static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    static final String HEADER = b64(JSONObjectUtils.toJSONString(Map.of("typ", "dpop+jwt", "alg", "ES256",
            "jwk", KEY.toPublicJWK().toJSONObject())));

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"eyJ", ".", "dpop+jwt", "ES256", "none", "HS256", "\"jwk\"", "\"d\""})
    void checkWhenFuzzedProofThenRefusedAndNothingEscapes(byte[] input) {
        String proof = new String(input, StandardCharsets.ISO_8859_1);
        DpopProof.Result result = DpopProof.check(SETTINGS, proof, "GET", "/me", TOKEN);
        assertNotNull(result.problem(), "a proof nobody signed was accepted");
    }

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"\"htm\":\"GET\"", "\"htu\":\"https://api.example.test/me\"", "\"iat\":1795867200",
            "\"jti\":\"x\"", "\"ath\":\"", "HTTPS://API.EXAMPLE.TEST", ":443", "%6D", "?", "#", "1e300", "-1"})
    void checkWhenFuzzedClaimsSignedThenAcceptedOnlyIfEveryClaimFits(byte[] input) throws JOSEException {
        String claims = new String(input, StandardCharsets.UTF_8);
        String signingInput = HEADER + "." + b64(claims);
        String proof = signingInput + "." + new ECDSASigner(KEY).sign(new JWSHeader(JWSAlgorithm.ES256),
                signingInput.getBytes(StandardCharsets.US_ASCII));
        DpopProof.Result result = DpopProof.check(SETTINGS, proof, "GET", "/me", TOKEN);
        if (result.problem() != null) {
            return;
        }
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(claims);
        } catch (java.text.ParseException e) {
            throw new AssertionError("accepted claims that are no JSON object: " + claims, e);
        }
        assertEquals("GET", json.get("htm"));
        URI htu = URI.create((String) json.get("htu"));
        assertEquals("https", htu.getScheme().toLowerCase(Locale.ROOT));
        assertEquals("api.example.test", htu.getHost().toLowerCase(Locale.ROOT));
        assertTrue(htu.getPort() == -1 || htu.getPort() == 443, () -> "port of " + htu);
        assertTrue(htu.getRawQuery() == null && htu.getRawFragment() == null && htu.getRawUserInfo() == null);
        assertEquals("/me", htu.getPath());
        long iat = ((Number) json.get("iat")).longValue();
        assertTrue(Math.abs(iat - NOW.getEpochSecond()) <= 60, () -> "iat " + json.get("iat"));
        assertEquals(DpopProofs.ath(TOKEN), json.get("ath"));
        String jti = (String) json.get("jti");
        assertTrue(!jti.isEmpty() && jti.length() <= DpopProof.MAX_JTI);
        assertEquals(DpopProofs.thumbprint(KEY), result.proof().thumbprint());
    }

    private static String b64(String text) {
        return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
