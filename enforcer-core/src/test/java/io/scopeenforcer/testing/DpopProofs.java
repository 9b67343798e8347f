package io.scopeenforcer.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * DPoP proofs (RFC 9449 §4.2) made in the test with Nimbus: a valid proof by default, and every way a proof can
 * be wrong (header and claims are plain JSON maps, so a private {@code jwk}, {@code alg: none} or a MAC can be
 * written too). Shared test fixture (core test-jar). Not thread-safe.
 */
public final class DpopProofs {

    private final JWK key;
    private final Map<String, Object> header = new LinkedHashMap<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private JWK signingKey;
    private byte[] hmacSecret;
    private boolean unsigned;

    private DpopProofs(JWK key, String method, String htu, Instant iat) {
        this.key = key;
        this.signingKey = key;
        header.put("typ", "dpop+jwt");
        header.put("alg", key instanceof RSAKey ? "PS256" : key instanceof OctetKeyPair ? "EdDSA"
                : algorithmOf((ECKey) key).getName());
        header.put("jwk", key.toPublicJWK().toJSONObject());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("htm", method);
        claims.put("htu", htu);
        claims.put("iat", iat.getEpochSecond());
    }

    /** A new P-256 key. */
    public static ECKey newEcKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new Ed25519 key (made with the JDK: Nimbus's Ed25519 generator needs Google Tink). */
    public static OctetKeyPair newEd25519Key() {
        try {
            java.security.KeyPair pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] spki = pair.getPublic().getEncoded();
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            byte[] x = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            byte[] d = java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(d)).build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new RSA 2048 key. */
    public static RSAKey newRsaKey() {
        try {
            return new RSAKeyGenerator(2048).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key's RFC 7638 SHA-256 thumbprint, the token's {@code cnf.jkt}. */
    public static String thumbprint(JWK key) {
        try {
            return key.computeThumbprint("SHA-256").toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 9449 §4.2 {@code ath} of a token. */
    public static String ath(String token) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid proof of {@code key} for this request and token, made at {@code iat}: change what a test needs. */
    public static DpopProofs proof(JWK key, String method, String htu, String token, Instant iat) {
        DpopProofs p = new DpopProofs(key, method, htu, iat);
        p.claims.put("ath", ath(token));
        return p;
    }

    /** Sets (or, with null, removes) a claim. */
    public DpopProofs claim(String name, Object value) {
        put(claims, name, value);
        return this;
    }

    /** Sets (or, with null, removes) a header parameter. */
    public DpopProofs header(String name, Object value) {
        put(header, name, value);
        return this;
    }

    /** Puts the private key itself in {@code jwk}, as no client may. */
    public DpopProofs privateJwk() {
        header.put("jwk", key.toJSONObject());
        return this;
    }

    /** Signs with another key than the one in {@code jwk}. */
    public DpopProofs signedBy(JWK other) {
        this.signingKey = Objects.requireNonNull(other, "other");
        return this;
    }

    /** {@code alg} HS256, MAC'd with {@code secret}. */
    public DpopProofs hmac(byte[] secret) {
        this.hmacSecret = secret.clone();
        header.put("alg", "HS256");
        return this;
    }

    /** {@code alg: none} and an empty signature. */
    public DpopProofs unsigned() {
        this.unsigned = true;
        header.put("alg", "none");
        return this;
    }

    /** The compact serialization. */
    public String sign() {
        String input = b64(JSONObjectUtils.toJSONString(header)) + "." + b64(JSONObjectUtils.toJSONString(claims));
        if (unsigned) {
            return input + ".";
        }
        try {
            JWSSigner signer;
            JWSAlgorithm alg;
            if (hmacSecret != null) {
                signer = new MACSigner(hmacSecret);
                alg = JWSAlgorithm.HS256;
            } else if (signingKey instanceof OctetKeyPair okp) {
                return input + "." + Base64URL.encode(ed25519(okp, input.getBytes(StandardCharsets.US_ASCII)));
            } else if (signingKey instanceof RSAKey rsa) {
                // Weak keys allowed here: the test needs a 1024-bit proof key to see it refused.
                signer = new RSASSASigner(rsa.toPrivateKey(),
                        java.util.Set.of(com.nimbusds.jose.crypto.opts.AllowWeakRSAKey.getInstance()));
                alg = JWSAlgorithm.parse((String) header.get("alg"));
            } else {
                signer = new ECDSASigner((ECKey) signingKey);
                alg = algorithmOf((ECKey) signingKey);
            }
            // The signer reads only the header's alg; the header written is ours, whatever it holds.
            Base64URL signature = signer.sign(new JWSHeader(alg), input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + signature;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#8 prefix of an Ed25519 private key (RFC 8410), followed by the 32-byte seed. */
    private static final byte[] ED25519_PKCS8 = java.util.HexFormat.of().parseHex("302e020100300506032b657004220420");

    private static byte[] ed25519(OctetKeyPair key, byte[] input) {
        try {
            byte[] d = key.getDecodedD();
            byte[] der = new byte[ED25519_PKCS8.length + d.length];
            System.arraycopy(ED25519_PKCS8, 0, der, 0, ED25519_PKCS8.length);
            System.arraycopy(d, 0, der, ED25519_PKCS8.length, d.length);
            java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
            signer.initSign(java.security.KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der)));
            signer.update(input);
            return signer.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWSAlgorithm algorithmOf(ECKey key) {
        return Curve.P_384.equals(key.getCurve()) ? JWSAlgorithm.ES384
                : Curve.P_521.equals(key.getCurve()) ? JWSAlgorithm.ES512 : JWSAlgorithm.ES256;
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void put(Map<String, Object> map, String name, Object value) {
        if (value == null) {
            map.remove(name);
        } else {
            map.put(name, value);
        }
    }
}
