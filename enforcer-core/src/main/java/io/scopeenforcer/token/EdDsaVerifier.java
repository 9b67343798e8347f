package io.scopeenforcer.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * Verifies Ed25519 signatures ({@code alg} {@code EdDSA} or {@code Ed25519}, RFC 8037 / RFC 9864) with the
 * JDK's own EdDSA (Java 15+). Nimbus's {@code Ed25519Verifier} needs Google Tink, a 2 MB optional
 * dependency, and its {@code DefaultJWSVerifierFactory} does not create EdDSA verifiers at all; the JDK
 * implementation is constant-time and checks the RFC 8032 encodings.
 */
final class EdDsaVerifier implements JWSVerifier {

    /**
     * RFC 9864's fully specified name. Built by name, not taken from {@code JWSAlgorithm.Ed25519}: that
     * constant is absent from Nimbus 9.37 (it is in 10.4), and a class that reads it fails with {@code NoSuchFieldError}
     * where an older Nimbus is resolved (Spring Boot 3.5 brings 9.37.4). {@code Algorithm.equals} compares
     * names, so this equals the constant where there is one.
     */
    static final JWSAlgorithm ED25519 = new JWSAlgorithm("Ed25519");

    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, ED25519);

    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), followed by the 32-byte key. */
    private static final byte[] X509_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    };
    private static final int KEY_LENGTH = 32;
    private static final int SIGNATURE_LENGTH = 64;

    private final PublicKey key;
    private final JCAContext jcaContext = new JCAContext();

    private final Provider provider;

    /** @param provider the JCA provider of the signature check, or null for the JDK's */
    EdDsaVerifier(PublicKey key, Provider provider) {
        this.key = key;
        this.provider = provider;
    }

    /**
     * The JDK public key of an Ed25519 {@link OctetKeyPair}, or null when the JWK is another curve or its
     * {@code x} is not 32 bytes.
     */
    static PublicKey toPublicKey(OctetKeyPair jwk) {
        if (!Curve.Ed25519.equals(jwk.getCurve())) {
            return null;
        }
        byte[] x = jwk.getDecodedX();
        if (x.length != KEY_LENGTH) {
            return null;
        }
        byte[] der = new byte[X509_PREFIX.length + KEY_LENGTH];
        System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
        System.arraycopy(x, 0, der, X509_PREFIX.length, KEY_LENGTH);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, com.nimbusds.jose.util.Base64URL signature)
            throws JOSEException {
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw new JOSEException("not an EdDSA algorithm");
        }
        // RFC 7515 §4.1.11: a critical header this verifier does not understand fails verification.
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return false;
        }
        byte[] sig = signature.decode();
        if (sig.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Signature verifier = provider == null ? Signature.getInstance("Ed25519")
                    : Signature.getInstance("Ed25519", provider);
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return ALGORITHMS;
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}
