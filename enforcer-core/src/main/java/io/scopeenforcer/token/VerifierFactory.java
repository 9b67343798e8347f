package io.scopeenforcer.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeyTypeException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.crypto.impl.RSASSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.util.Base64URL;
import io.scopeenforcer.internal.PerThread;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Nimbus's verifier factory (HMAC, RSA, EC) plus {@link EdDsaVerifier}, on the JCA providers of a
 * {@link SignatureProviders.Choice} (one for RSA and HMAC, one for the curves; null for the JDK's). Immutable,
 * thread-safe.
 *
 * <p>{@link #verify} checks RSA and ECDSA signatures with the JCA directly, as Nimbus's {@code RSASSAVerifier} and
 * {@code ECDSAVerifier} do (the same {@code Signature} algorithms, the same ECDSA signature checks and DER
 * transcoding), without what a first-seen token paid around the signature itself: a {@code Signature} made per
 * token (reused per thread and provider here) and the signing input rebuilt as a string and encoded again (read
 * from the token's bytes here). Keys are handed to the provider as the key selector made them, and a non-JDK
 * provider translates them on each check: a translation kept across checks was found destroyed by ACCP ("Key has
 * been destroyed") in this project's tests, so none is kept.
 */
final class VerifierFactory implements JWSVerifierFactory {

    /** The algorithms whose {@code Signature} objects are kept per thread; PSS (parameters) is made per check. */
    private static final List<JWSAlgorithm> REUSED = List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final DefaultJWSVerifierFactory nimbus = new DefaultJWSVerifierFactory();
    private final Set<JWSAlgorithm> algorithms;

    private final Provider rsaProvider;
    private final Provider curveProvider;
    /**
     * Per thread, by provider ({@link #JDK} for the JDK's), one {@code Signature} per {@link #REUSED} algorithm.
     * Shared by every factory, so that issuers made from a template (one factory each) add no thread-locals.
     */
    private static final PerThread<Map<Object, Signature[]>> SIGNATURES = PerThread.of(IdentityHashMap::new);
    private static final Object JDK = new Object();

    VerifierFactory(SignatureProviders.Choice providers) {
        this.rsaProvider = providers.rsa();
        this.curveProvider = providers.curves();
        // Nimbus copies the factory's provider into each verifier it makes (HMAC here; RSA and EC are checked
        // below): set once.
        nimbus.getJCAContext().setProvider(rsaProvider);
        Set<JWSAlgorithm> all = new HashSet<>(nimbus.supportedJWSAlgorithms());
        all.addAll(EdDsaVerifier.ALGORITHMS);
        this.algorithms = Set.copyOf(all);
    }

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
        if (EdDsaVerifier.ALGORITHMS.contains(header.getAlgorithm())) {
            if (!(key instanceof EdECPublicKey)) {
                throw new KeyTypeException(EdECPublicKey.class);
            }
            return new EdDsaVerifier((EdECPublicKey) key, curveProvider);
        }
        return nimbus.createJWSVerifier(header, key);
    }

    /**
     * Whether {@code signature} is a valid signature by {@code key} of {@code ascii[0, signingInputEnd)}, the
     * token's {@code header.payload} as bytes; RSA and ECDSA directly, other algorithms through
     * {@link #createJWSVerifier}. A critical header fails, as in Nimbus's verifiers (RFC 7515 §4.1.11).
     *
     * @param token the compact JWS the bytes are of, for the verifiers that take Nimbus's form
     * @throws JOSEException when the key does not fit the algorithm
     */
    boolean verify(JWSHeader header, Key key, String token, byte[] ascii, int signingInputEnd, byte[] signature)
            throws JOSEException {
        JWSAlgorithm alg = header.getAlgorithm();
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return false;
        }
        boolean rsa = JWSAlgorithm.Family.RSA.contains(alg);
        boolean ec = JWSAlgorithm.Family.EC.contains(alg);
        if (!(rsa && key instanceof RSAPublicKey) && !(ec && key instanceof ECPublicKey)) {
            return createJWSVerifier(header, key).verify(header, Arrays.copyOf(ascii, signingInputEnd),
                    new Base64URL(token.substring(signingInputEnd + 1)));
        }
        byte[] checked = signature;
        if (ec) {
            if (!alg.equals(ECDSA.resolveAlgorithm((ECPublicKey) key))) {
                // As ECDSAVerifier: the key's curve names the one algorithm it verifies (ES256 is P-256 only).
                throw new JOSEException("the EC key's curve is not that of " + alg);
            }
            try {
                // CVE-2022-21449 ("psychic signatures"): r and s in range, and the JWS length for the algorithm.
                ECDSA.ensureLegalSignature(signature, alg);
                checked = ECDSA.transcodeSignatureToDER(signature);
            } catch (JOSEException e) {
                return false;
            }
        }
        Provider provider = rsa ? rsaProvider : curveProvider;
        int slot = REUSED.indexOf(alg);
        Signature[] kept = slot < 0 ? null : SIGNATURES.get()
                .computeIfAbsent(provider == null ? JDK : provider, p -> new Signature[REUSED.size()]);
        Signature verifier = kept == null ? null : kept[slot];
        if (verifier == null) {
            verifier = rsa ? RSASSA.getSignerAndVerifier(alg, provider) : ECDSA.getSignerAndVerifier(alg, provider);
        }
        try {
            verifier.initVerify((PublicKey) key);
            verifier.update(ascii, 0, signingInputEnd);
            boolean valid = verifier.verify(checked);
            if (kept != null) {
                kept[slot] = verifier; // reset by verify(): ready for the next initVerify
            }
            return valid;
        } catch (GeneralSecurityException e) {
            // A key the provider refuses, or a signature it cannot parse: not valid. The object is dropped, in
            // case the failure left it half-way.
            if (kept != null) {
                kept[slot] = null;
            }
            return false;
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return algorithms;
    }

    @Override
    public JCAContext getJCAContext() {
        return nimbus.getJCAContext();
    }
}
