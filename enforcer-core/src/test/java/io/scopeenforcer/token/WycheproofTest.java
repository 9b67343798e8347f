package io.scopeenforcer.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.scopeenforcer.testing.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known-answer vectors from Project Wycheproof (src/test/resources/wycheproof, see its NOTICE): every JWS and
 * JWK vector through the JWS layer of the verifier ({@link TokenVerifier#verifyJwsLayer}: shape, header,
 * algorithm pinning, key selection and signature), every Ed25519 vector through {@link EdDsaVerifier} itself.
 *
 * <p>A vector labelled {@code valid} must verify and one labelled {@code invalid} must be refused, unless the
 * {@link #TABLE} records it: there the verifier's actual outcome is asserted exactly, with the reason the label
 * is wrong or does not apply. Nothing is skipped: every vector runs, every table entry must be used, and the
 * counts are checked against each file's {@code numberOfTests} and printed.
 */
class WycheproofTest {

    private static final String ISSUER = "https://wycheproof.example.test";
    private static final String AUDIENCE = "wycheproof";
    /**
     * Every asymmetric algorithm the verifier supports: the issuer's list does not pre-empt the signature
     * check, so the key selection and the signature decide each vector (HMAC needs a secret, see below).
     */
    private static final List<String> ASYMMETRIC = List.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519");

    /** The outcome of a vector: a refusal as its {@link TokenFailure} name, or one of these two. */
    private static final String VERIFIED = "VERIFIED";
    /** The issuer could not be configured with the vector's keys: TrustedIssuer's builder or JWK parsing refused. */
    private static final String CONFIG_REFUSED = "CONFIG_REFUSED";
    private static final String UNKNOWN_KEY = TokenFailure.UNKNOWN_KEY.name();
    private static final String MALFORMED = TokenFailure.MALFORMED.name();

    /** Vectors whose label is wrong or does not apply to this verifier, each with the outcome it gets. */
    private static final Map<String, Oddity> TABLE = table(
            // json_web_signature_test.json
            oddity("jws", 346, UNKNOWN_KEY, "label does not apply: the group's key says alg PS256 and the token"
                    + " PS384; a JWK's alg restricts the key to that algorithm (RFC 7517 §4.4), as the same file's"
                    + " WrongPrimitive vectors 332-340 require (a PS512 key refusing RS256), so no key is selected"),
            oddity("jws", 350, UNKNOWN_KEY, "label does not apply: as tcId 346 (key alg PS256, token PS384,"
                    + " RFC 7517 §4.4), the key_ops variant of the RFC 7520 figure"),
            oddity("jws", 347, UNKNOWN_KEY, "label does not apply: the group's key says alg \"ES521\", no"
                    + " registered algorithm (RFC 7518 §3.1 has ES512), and the token ES512; a key's alg binds it"
                    + " (RFC 7517 §4.4; json_web_key_test.json tcId 19 labels the same key with ES256 invalid)"),
            oddity("jws", 351, UNKNOWN_KEY, "label does not apply: as tcId 347 (key alg \"ES521\", token"
                    + " ES512), the key_ops variant of the RFC 7520 figure"),
            oddity("jws", 367, VERIFIED, "label wrong (known upstream): the token is character for character"
                    + " tcId 357 (ValidMac); the bad padding the comment names is not in the string"),
            oddity("jws", 370, VERIFIED, "label wrong (known upstream): the token is character for character"
                    + " tcId 357 (ValidMac); the bad padding in the payload is not in the string"),
            oddity("jws", 372, MALFORMED, "label wrong (known upstream): a '?' is inserted in the header, and"
                    + " base64url has no '?' (RFC 7515 §2, RFC 4648 §5); a lenient decoder that skips it must not"
                    + " be what decides, since then many strings carry one signature"),
            oddity("jws", 373, MALFORMED, "label wrong (known upstream): a '?' is inserted in the payload;"
                    + " refused as tcId 372 (RFC 7515 §2)"),
            // json_web_key_test.json
            oddity("jwk", 4, VERIFIED, "label does not apply: the verifier holds one HMAC secret per issuer"
                    + " (sharedSecret) and no set of secrets, so there is no key set whose duplicate kid it could"
                    + " refuse; configured with the set's first key, which made this MAC, it verifies (accepted"
                    + " oddity; for asymmetric JWKS a token verifies only under a key of that issuer)"),
            oddity("jwk", 7, VERIFIED, "accepted oddity: the issuer's configured RSA key has the ROCA flaw"
                    + " (CVE-2017-15361) and the signature is genuine; the verifier requires 2048 bits (RFC 7518"
                    + " §3.3) but runs no ROCA fingerprint test: a factorable issuer key is the issuer's to revoke"),
            oddity("jwk", 25, VERIFIED, "label does not apply: the key set is symmetric only, so an operator"
                    + " would give its key as sharedSecret, which is raw bytes; the JWK's alg A256GCM never reaches"
                    + " the verifier. A JWKS's symmetric keys are never used (the builder keeps public keys"
                    + " only), so a published key set cannot turn an AES key into an HMAC key"),
            oddity("jwk", 26, VERIFIED, "label does not apply: as tcId 25, for an A256KW key given as"
                    + " sharedSecret"));

    /**
     * How each file's vectors are decided, table entries included: pins the refusal reasons too, so that a
     * vector moving from, say, a bad signature to an unknown key (a change in key selection) is seen.
     */
    private static final Map<String, Map<String, Integer>> EXPECTED_OUTCOMES = Map.of(
            "jws", Map.of(VERIFIED, 42, "BAD_SIGNATURE", 297, MALFORMED, 41, UNKNOWN_KEY, 15, "UNSUPPORTED", 6),
            "jwk", Map.of(VERIFIED, 9, "BAD_SIGNATURE", 1, UNKNOWN_KEY, 6, "UNSUPPORTED", 3, CONFIG_REFUSED, 7),
            "ed25519", Map.of(VERIFIED, 88, "BAD_SIGNATURE", 63));

    private static final Map<String, Map<String, Integer>> OUTCOMES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> RAN = new LinkedHashMap<>();
    private static final Map<String, Integer> DECLARED = new LinkedHashMap<>();
    private static final Set<String> TABLE_USED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    // ---------------------------------------------------------------- JWS and JWK vectors, JWS layer

    static Stream<JwsVector> jwsVectors() {
        return jwsFile("jws", "json_web_signature_test.json");
    }

    static Stream<JwsVector> jwkVectors() {
        return jwsFile("jwk", "json_web_key_test.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jwsVectors")
    void verifyJwsLayerWhenWycheproofJwsVectorThenDecidedAsLabelled(JwsVector v) {
        decide(v);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jwkVectors")
    void verifyJwsLayerWhenWycheproofJwkVectorThenDecidedAsLabelled(JwsVector v) {
        decide(v);
    }

    private static void decide(JwsVector v) {
        String outcome;
        if (v.issuer == null) {
            outcome = CONFIG_REFUSED;
        } else {
            TokenResult.Invalid refused = TokenVerifier.verifyJwsLayer(v.issuer, v.jws);
            outcome = refused == null ? VERIFIED : refused.failure().name();
            // The providers signature-provider=auto may pick must decide every vector exactly as the JDK does.
            TokenResult.Invalid onAccp = TokenVerifier.verifyJwsLayer(v.issuerOnAccp, v.jws);
            assertEquals(outcome, onAccp == null ? VERIFIED : onAccp.failure().name(), v + ": ACCP and the JDK disagree");
            TokenResult.Invalid onBc = TokenVerifier.verifyJwsLayer(v.issuerOnBc, v.jws);
            assertEquals(outcome, onBc == null ? VERIFIED : onBc.failure().name(), v + ": BouncyCastle and the JDK disagree");
        }
        check(v.file, v.tcId, v.result, outcome, v.toString());
    }

    // ---------------------------------------------------------------- Ed25519 vectors, EdDsaVerifier

    static Stream<EdVector> ed25519Vectors() {
        Map<String, Object> root = load("ed25519_test.json");
        declare("ed25519", root);
        List<EdVector> out = new ArrayList<>();
        for (Map<String, Object> group : objects(root.get("testGroups"))) {
            Map<String, Object> jwk = object(group.get("publicKeyJwk"));
            PublicKey key;
            try {
                key = EdDsaVerifier.toPublicKey(OctetKeyPair.parse(jwk));
            } catch (java.text.ParseException e) {
                key = null;
            }
            for (Map<String, Object> t : objects(group.get("tests"))) {
                out.add(new EdVector(tcId(t), (String) t.get("comment"), (String) t.get("result"),
                        strings(t.get("flags")), key, HexFormat.of().parseHex((String) t.get("msg")),
                        HexFormat.of().parseHex((String) t.get("sig"))));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ed25519Vectors")
    void eddsaVerifierWhenWycheproofEd25519VectorThenDecidedAsLabelled(EdVector v) throws Exception {
        // Both names RFC 8037 and RFC 9864 give Ed25519 must decide alike.
        String outcome = null;
        // EdDsaVerifier.ED25519, not JWSAlgorithm.Ed25519: the constant is absent from Nimbus 9.37 (.ci/matrix).
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.EdDSA, EdDsaVerifier.ED25519)) {
            String o;
            if (v.key == null) {
                o = CONFIG_REFUSED;
            } else {
                boolean ok = new EdDsaVerifier(v.key, null).verify(new JWSHeader(alg), v.msg, Base64URL.encode(v.sig));
                o = ok ? VERIFIED : TokenFailure.BAD_SIGNATURE.name();
                boolean onAccp = new EdDsaVerifier(v.key, SignatureProviders.resolve(SignatureProviders.ACCP).curves())
                        .verify(new JWSHeader(alg), v.msg, Base64URL.encode(v.sig));
                assertEquals(ok, onAccp, v + ": ACCP and the JDK disagree");
                boolean onBc = new EdDsaVerifier(v.key, SignatureProviders.resolve(SignatureProviders.BC).curves())
                        .verify(new JWSHeader(alg), v.msg, Base64URL.encode(v.sig));
                assertEquals(ok, onBc, v + ": BouncyCastle and the JDK disagree");
            }
            if (outcome != null) {
                assertEquals(outcome, o, v + ": EdDSA and Ed25519 disagree");
            }
            outcome = o;
        }
        check("ed25519", v.tcId, v.result, outcome, v.toString());
    }

    // ---------------------------------------------------------------- the key_ops defect, full path

    /**
     * The defect tcId 355 and 356 found, through {@link TokenVerifier#verify} with real tokens: a key whose
     * {@code key_ops} lacks {@code verify} verifies nothing (RFC 7517 §4.3), of every key type; absent or
     * holding {@code verify} (alone or beside {@code sign}, as RFC 7520 writes it) it works as before.
     */
    static Stream<Arguments> keyOperations() {
        List<Arguments> rows = new ArrayList<>();
        for (String type : List.of("RSA", "EC", "OKP")) {
            rows.add(Arguments.of(type, null, null));
            rows.add(Arguments.of(type, List.of("verify"), null));
            rows.add(Arguments.of(type, List.of("sign", "verify"), null));
            rows.add(Arguments.of(type, List.of("encrypt"), TokenFailure.UNKNOWN_KEY));
            rows.add(Arguments.of(type, List.of("sign"), TokenFailure.UNKNOWN_KEY));
            rows.add(Arguments.of(type, List.of(), TokenFailure.UNKNOWN_KEY));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} key, key_ops {1}: {2}")
    @MethodSource("keyOperations")
    void verifyWhenKeyOpsGivenThenOnlyAKeyForVerifyingVerifies(String type, List<String> ops, TokenFailure expected)
            throws Exception {
        TestKeys keys = type.equals("RSA") ? Fixtures.IDP.rsa() : type.equals("EC") ? Fixtures.IDP.ec()
                : Fixtures.IDP.ed25519();
        Map<String, Object> jwk = keys.publicJwk().toJSONObject();
        if (ops != null) {
            jwk.remove("use"); // RFC 7517 §4.3: use and key_ops SHOULD NOT be used together (Nimbus checks them)
            jwk.put("key_ops", ops);
        }
        TokenVerifier verifier = TokenVerifier.newBuilder()
                .trust(issuer(Fixtures.IDP.issuer(), new JWKSet(JWK.parse(jwk)), null, SignatureProviders.AUTO))
                .clock(Fixtures.FIXED)
                .build();
        TokenResult result = verifier.verify(Fixtures.IDP.token().signedWith(keys).sign());
        assertEquals(expected, Fixtures.failureOf(result), result.toString());
    }

    // ---------------------------------------------------------------- the counts and the table

    @Test
    void tableWhenCheckedAgainstFilesThenEveryEntryNamesAnExistingVector() {
        Map<String, String> labels = new LinkedHashMap<>();
        jwsVectors().forEach(v -> labels.put(key(v.file, v.tcId), v.result));
        jwkVectors().forEach(v -> labels.put(key(v.file, v.tcId), v.result));
        ed25519Vectors().forEach(v -> labels.put(key("ed25519", v.tcId), v.result));
        assertEquals(401, count(labels, "jws"), "json_web_signature_test.json vectors");
        assertEquals(26, count(labels, "jwk"), "json_web_key_test.json vectors");
        assertEquals(151, count(labels, "ed25519"), "ed25519_test.json vectors");
        for (Map.Entry<String, Oddity> e : TABLE.entrySet()) {
            assertNotNull(labels.get(e.getKey()), "table entry " + e.getKey() + " names no vector");
            assertTrue(e.getValue().reason.length() > 20, "table entry " + e.getKey() + " needs a reason");
            String label = labels.get(e.getKey());
            boolean verified = e.getValue().outcome.equals(VERIFIED);
            // An entry that agrees with its label hides nothing and must go.
            assertTrue(label.equals("valid") ? !verified : !label.equals("invalid") || verified,
                    "table entry " + e.getKey() + " agrees with its label " + label);
        }
    }

    /** Every vector of a file that ran at all ran, each table entry of it was used; the counts are printed. */
    @AfterAll
    static void countsWhenAllVectorsRanThenReported() {
        StringBuilder report = new StringBuilder("Wycheproof vectors run:");
        for (Map.Entry<String, AtomicInteger> e : RAN.entrySet()) {
            int ran = e.getValue().get();
            report.append(' ').append(e.getKey()).append('=').append(ran);
            if (ran == 0) {
                continue; // this method was filtered out of the run
            }
            assertEquals(DECLARED.get(e.getKey()), ran, e.getKey() + ": vectors run vs numberOfTests");
            assertEquals(EXPECTED_OUTCOMES.get(e.getKey()), OUTCOMES.get(e.getKey()), e.getKey() + ": outcomes");
            Set<String> unused = new TreeSet<>();
            for (String k : TABLE.keySet()) {
                if (k.startsWith(e.getKey() + ":") && !TABLE_USED.contains(k)) {
                    unused.add(k);
                }
            }
            assertEquals(Set.of(), unused, "table entries whose vector did not run");
        }
        long oddities = TABLE_USED.size();
        report.append(", of which ").append(oddities).append(" decided as the table records rather than as labelled");
        System.out.println(report);
    }

    private static void check(String file, int tcId, String result, String outcome, String name) {
        RAN.get(file).incrementAndGet();
        OUTCOMES.computeIfAbsent(file, f -> new java.util.concurrent.ConcurrentHashMap<>()).merge(outcome, 1, Integer::sum);
        String k = key(file, tcId);
        Oddity odd = TABLE.get(k);
        if (odd != null) {
            TABLE_USED.add(k);
            assertEquals(odd.outcome, outcome, name + " (table: " + odd.reason + ")");
            return;
        }
        switch (result) {
            case "valid":
                assertEquals(VERIFIED, outcome, name);
                break;
            case "invalid":
                assertNotEquals(VERIFIED, outcome, name + " must be refused");
                // A refusal for a reason about the token, never "the keys are unavailable" (that would be 503).
                assertNotEquals(TokenFailure.KEYS_UNAVAILABLE.name(), outcome, name);
                break;
            default:
                // "acceptable" (either outcome allowed by Wycheproof) must be pinned in the table, never left open.
                throw new AssertionError(name + ": label " + result + " needs a table entry, outcome " + outcome);
        }
    }

    // ---------------------------------------------------------------- loading

    private static Stream<JwsVector> jwsFile(String file, String resource) {
        Map<String, Object> root = load(resource);
        declare(file, root);
        List<JwsVector> out = new ArrayList<>();
        for (Map<String, Object> group : objects(root.get("testGroups"))) {
            String comment = (String) group.get("comment");
            TrustedIssuer issuer = issuerFor(group, SignatureProviders.JDK);
            TrustedIssuer issuerOnAccp = issuerFor(group, SignatureProviders.ACCP);
            TrustedIssuer issuerOnBc = issuerFor(group, SignatureProviders.BC);
            for (Map<String, Object> t : objects(group.get("tests"))) {
                Object jws = t.get("jws");
                out.add(new JwsVector(file, tcId(t), comment + "/" + t.get("comment"), (String) t.get("result"),
                        strings(t.get("flags")), jws instanceof String ? (String) jws : JSONObjectUtils.toJSONString(object(jws)),
                        issuer, issuerOnAccp, issuerOnBc));
            }
        }
        return out.stream();
    }

    /**
     * The issuer an operator would configure for a group's keys, or null when the configuration is refused:
     * the public key or key set (a JWKS) as {@code jwkSet}, the private one when there is no public one. A
     * key set holding any asymmetric key is a JWKS (the builder keeps its public keys only and drops
     * symmetric ones); a purely symmetric one becomes the {@code sharedSecret}, its first key, as the
     * verifier holds one HMAC secret per issuer and matches no {@code kid} for it.
     */
    private static TrustedIssuer issuerFor(Map<String, Object> group, String provider) {
        Object keys = group.containsKey("public") ? group.get("public") : group.get("private");
        List<JWK> jwks = new ArrayList<>();
        try {
            Map<String, Object> k = object(keys);
            for (Map<String, Object> one : k.containsKey("keys") ? objects(k.get("keys")) : List.of(k)) {
                jwks.add(JWK.parse(one));
            }
        } catch (java.text.ParseException e) {
            return null;
        }
        try {
            if (jwks.stream().anyMatch(j -> !KeyType.OCT.equals(j.getKeyType()))) {
                return issuer(ISSUER, new JWKSet(jwks), null, provider);
            }
            return issuer(ISSUER, null, ((OctetSequenceKey) jwks.get(0)).toByteArray(), provider);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return null;
        }
    }

    /**
     * The one place this test builds issuers (TrustedIssuer's builder is being reshaped: adapt only this). With
     * keys, every asymmetric algorithm is accepted; with a secret, the builder's default (HMAC as long
     * as the secret allows, RFC 7518 §3.2).
     */
    private static TrustedIssuer issuer(String iss, JWKSet keys, byte[] secret, String provider) {
        if (keys != null) {
            return TrustedIssuer.jwkSet(iss, keys).audience(AUDIENCE, Fixtures.AUDIENCE).algorithms(ASYMMETRIC)
                    .signatureProvider(provider).build();
        }
        return TrustedIssuer.sharedSecret(iss, secret).audience(AUDIENCE, Fixtures.AUDIENCE)
                .signatureProvider(provider).build();
    }

    private static Map<String, Object> load(String resource) {
        try (InputStream in = WycheproofTest.class.getResourceAsStream("/wycheproof/" + resource)) {
            assertNotNull(in, resource);
            return JSONObjectUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.text.ParseException e) {
            throw new AssertionError(resource + " is not JSON", e);
        }
    }

    private static synchronized void declare(String file, Map<String, Object> root) {
        DECLARED.put(file, ((Number) root.get("numberOfTests")).intValue());
        RAN.computeIfAbsent(file, f -> new AtomicInteger());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return o == null ? List.of() : (List<String>) o;
    }

    private static int tcId(Map<String, Object> t) {
        return ((Number) t.get("tcId")).intValue();
    }

    private static String key(String file, int tcId) {
        return file + ":" + tcId;
    }

    private static long count(Map<String, String> labels, String file) {
        return labels.keySet().stream().filter(k -> k.startsWith(file + ":")).count();
    }

    private static Map.Entry<String, Oddity> oddity(String file, int tcId, String outcome, String reason) {
        return Map.entry(key(file, tcId), new Oddity(outcome, reason));
    }

    @SafeVarargs
    private static Map<String, Oddity> table(Map.Entry<String, Oddity>... entries) {
        Map<String, Oddity> map = new LinkedHashMap<>();
        for (Map.Entry<String, Oddity> e : entries) {
            if (map.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalStateException("table lists " + e.getKey() + " twice");
            }
        }
        return map;
    }

    /** A recorded outcome and why it differs from, or is needed beside, the label. */
    private static final class Oddity {
        final String outcome;
        final String reason;

        Oddity(String outcome, String reason) {
            this.outcome = outcome;
            this.reason = reason;
        }
    }

    /** One JWS or JWK vector with the issuer its group's keys make (null: the configuration was refused). */
    static final class JwsVector {
        final String file;
        final int tcId;
        final String comment;
        final String result;
        final List<String> flags;
        final String jws;
        final TrustedIssuer issuer;
        /** The same issuer with its signatures checked by Amazon Corretto Crypto Provider. */
        final TrustedIssuer issuerOnAccp;
        /** The same issuer with its signatures checked by BouncyCastle. */
        final TrustedIssuer issuerOnBc;

        JwsVector(String file, int tcId, String comment, String result, List<String> flags, String jws,
                TrustedIssuer issuer, TrustedIssuer issuerOnAccp, TrustedIssuer issuerOnBc) {
            this.file = file;
            this.tcId = tcId;
            this.comment = comment;
            this.result = result;
            this.flags = flags;
            this.jws = jws;
            this.issuer = issuer;
            this.issuerOnAccp = issuerOnAccp;
            this.issuerOnBc = issuerOnBc;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s tcId %d %s [%s]%s", file, tcId, comment, result,
                    flags.isEmpty() ? "" : " " + flags);
        }
    }

    /** One Ed25519 vector with its group's public key (null: the key itself was refused). */
    static final class EdVector {
        final int tcId;
        final String comment;
        final String result;
        final List<String> flags;
        final PublicKey key;
        final byte[] msg;
        final byte[] sig;

        EdVector(int tcId, String comment, String result, List<String> flags, PublicKey key, byte[] msg, byte[] sig) {
            this.tcId = tcId;
            this.comment = comment;
            this.result = result;
            this.flags = flags;
            this.key = key;
            this.msg = msg;
            this.sig = sig;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "ed25519 tcId %d %s [%s]%s", tcId, comment, result,
                    flags.isEmpty() ? "" : " " + flags);
        }
    }
}
