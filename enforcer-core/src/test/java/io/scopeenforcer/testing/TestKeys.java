package io.scopeenforcer.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One signing key pair made at run time (nothing is committed): RSA 2048, EC P-256 or Ed25519, with its
 * public JWK and a signing function for any compatible JWS algorithm. Immutable and thread-safe. Shared
 * test fixture (core test-jar).
 */
public final class TestKeys {

    /** The key family. */
    public enum Type {
        /** RSA 2048; default algorithm RS256 (PS256, RS384... also sign). */
        RSA,
        /** EC P-256; ES256. */
        EC,
        /** Ed25519; EdDSA. */
        ED25519
    }

    private final Type type;
    private final String kid;
    private final KeyPair pair;
    private final JWK publicJwk;

    private TestKeys(Type type, String kid, KeyPair pair, JWK publicJwk) {
        this.type = type;
        this.kid = kid;
        this.pair = pair;
        this.publicJwk = publicJwk;
    }

    /** A fresh RSA 2048 key pair with this {@code kid}. */
    public static TestKeys rsa(String kid) {
        KeyPair pair = generate("RSA", 2048);
        JWK jwk = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).keyID(kid).keyUse(KeyUse.SIGNATURE).build();
        return new TestKeys(Type.RSA, kid, pair, jwk);
    }

    /** A fresh EC P-256 key pair with this {@code kid}. */
    public static TestKeys ec(String kid) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            JWK jwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
                    .keyID(kid).keyUse(KeyUse.SIGNATURE).build();
            return new TestKeys(Type.EC, kid, pair, jwk);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh Ed25519 key pair with this {@code kid} (JDK EdDSA, no Tink). */
    public static TestKeys ed25519(String kid) {
        KeyPair pair = generate("Ed25519", 0);
        byte[] spki = pair.getPublic().getEncoded();
        byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        JWK jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
                .keyID(kid).keyUse(KeyUse.SIGNATURE).build();
        return new TestKeys(Type.ED25519, kid, pair, jwk);
    }

    /** The key family. */
    public Type type() {
        return type;
    }

    /** The key id. */
    public String kid() {
        return kid;
    }

    /** The default JWS algorithm: RS256, ES256 or EdDSA. */
    public String algorithm() {
        switch (type) {
            case RSA:
                return "RS256";
            case EC:
                return "ES256";
            default:
                return "EdDSA";
        }
    }

    /** The public JWK (with {@code kid} and {@code use: sig}). */
    public JWK publicJwk() {
        return publicJwk;
    }

    /** A JWK set holding only this public key. */
    public JWKSet publicJwkSet() {
        return new JWKSet(publicJwk);
    }

    /** The JCA key pair, e.g. to take the RSA public key's bytes for an algorithm-confusion test. */
    public KeyPair keyPair() {
        return pair;
    }

    /**
     * Signs {@code signingInput} with this key for JWS algorithm {@code alg} (RS*, PS*, ES256 for EC,
     * EdDSA/Ed25519), returning the raw JWS signature bytes.
     *
     * @throws IllegalArgumentException when the algorithm does not fit the key
     */
    public byte[] sign(String alg, byte[] signingInput) {
        Objects.requireNonNull(alg, "alg");
        try {
            JWSAlgorithm jwsAlg = JWSAlgorithm.parse(alg);
            switch (type) {
                case RSA:
                    return new RSASSASigner(pair.getPrivate()).sign(new JWSHeader(jwsAlg), signingInput).decode();
                case EC:
                    return new ECDSASigner((ECPrivateKey) pair.getPrivate()).sign(new JWSHeader(jwsAlg), signingInput)
                            .decode();
                default:
                    if (!alg.equals("EdDSA") && !alg.equals("Ed25519")) {
                        throw new IllegalArgumentException(alg + " does not fit an Ed25519 key");
                    }
                    Signature s = Signature.getInstance("Ed25519");
                    s.initSign(pair.getPrivate());
                    s.update(signingInput);
                    return s.sign();
            }
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalArgumentException(alg + " does not fit a " + type + " key", e);
        }
    }

    /** An HMAC (HS256, HS384, HS512) over {@code signingInput} with {@code secret}, any length. */
    public static byte[] hmac(String alg, byte[] secret, byte[] signingInput) {
        String jca;
        switch (alg) {
            case "HS256":
                jca = "HmacSHA256";
                break;
            case "HS384":
                jca = "HmacSHA384";
                break;
            case "HS512":
                jca = "HmacSHA512";
                break;
            default:
                throw new IllegalArgumentException("not an HMAC algorithm: " + alg);
        }
        try {
            Mac mac = Mac.getInstance(jca);
            mac.init(new SecretKeySpec(secret, jca));
            return mac.doFinal(signingInput);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate(String algorithm, int size) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (size > 0) {
                g.initialize(size);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Type and kid; never key material. */
    @Override
    public String toString() {
        return "TestKeys[" + type + ", kid=" + kid + "]";
    }
}
