package io.scopeenforcer.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeyTypeException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import java.security.Key;
import java.security.Provider;
import java.security.interfaces.EdECPublicKey;
import java.util.HashSet;
import java.util.Set;

/**
 * Nimbus's verifier factory (HMAC, RSA, EC) plus {@link EdDsaVerifier}, all on one JCA provider (see
 * {@link SignatureProviders}; null for the JDK's). Immutable, thread-safe.
 */
final class VerifierFactory implements JWSVerifierFactory {

    private final DefaultJWSVerifierFactory nimbus = new DefaultJWSVerifierFactory();
    private final Set<JWSAlgorithm> algorithms;

    private final Provider provider;

    VerifierFactory(Provider provider) {
        this.provider = provider;
        // Nimbus copies the factory's provider into each verifier it makes: set once, used for every signature.
        nimbus.getJCAContext().setProvider(provider);
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
            return new EdDsaVerifier((EdECPublicKey) key, provider);
        }
        return nimbus.createJWSVerifier(header, key);
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
