package io.scopeenforcer.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * Finds the verification keys of one trusted issuer for a token header: the configured shared secret for
 * HMAC, else the issuer's JWK set matched on key type, {@code kid}, curve, use and {@code alg}.
 *
 * <p>Keys come from configuration only: the header's {@code jwk}, {@code jku}, {@code x5u}, {@code x5c} and
 * {@code x5t} are never read, since a key named by the token itself proves nothing (CVE-2018-0114 and
 * its many siblings). When no key matches, Nimbus's source refetches the JWK set once (rate limited); if
 * still nothing matches this throws {@link UnknownKeyException}. Thread-safe.
 */
final class IssuerKeySelector implements JWSKeySelector<SecurityContext> {

    /** RFC 7518 §3.3: RSA keys of 2048 bits or larger MUST be used. */
    private static final int MIN_RSA_BITS = 2048;

    private final Set<JWSAlgorithm> asymmetric;
    private final JWKSource<SecurityContext> keys;
    /** The caching layer of a remote source, asked whether any key set is cached; null for local keys. */
    private final JWKSetSource<SecurityContext> remoteCache;
    private final Set<JWSAlgorithm> hmac;
    private final List<SecretKey> secret;
    /**
     * JWK to JCA key conversions, by JWK identity: a JWK set object lives as long as it is cached, and a
     * conversion (a KeyFactory lookup and point check) would otherwise cost a few microseconds per token.
     */
    private final Cache<JWK, Key> converted = Caffeine.newBuilder().weakKeys().maximumSize(256).build();

    IssuerKeySelector(Set<JWSAlgorithm> asymmetric, JWKSource<SecurityContext> keys,
            JWKSetSource<SecurityContext> remoteCache, Set<JWSAlgorithm> hmac, SecretKey secret) {
        this.asymmetric = asymmetric;
        this.keys = keys;
        this.remoteCache = remoteCache;
        this.hmac = hmac;
        this.secret = secret == null ? List.of() : List.of(secret);
    }

    @Override
    public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
        JWSAlgorithm alg = header.getAlgorithm();
        if (hmac.contains(alg)) {
            return secret;
        }
        if (keys == null || !asymmetric.contains(alg)) {
            throw new UnknownKeyException();
        }
        List<JWK> matches;
        try {
            matches = keys.get(new JWKSelector(matcher(header)), context);
        } catch (RateLimitReachedException e) {
            // The refetch was refused by the rate limit: a kid we do not know, or a cache past its TTL during a
            // flood. Answer from the key set already cached, however old: a kid it lacks is an unknown key (the
            // refetch is allowed again soon), a kid it has verifies as before. Nothing cached: keys unavailable.
            JWKSet cached = cachedKeySet();
            if (cached == null) {
                throw e;
            }
            matches = new JWKSelector(matcher(header)).select(cached);
        }
        List<Key> out = new ArrayList<>(matches.size());
        for (JWK jwk : matches) {
            Key key = converted.get(jwk, IssuerKeySelector::toPublicKey);
            if (key != null) {
                out.add(key);
            }
        }
        if (out.isEmpty()) {
            throw new UnknownKeyException();
        }
        return out;
    }

    /**
     * The key set the remote source has cached, however old, or null: at time 0 no cached set counts as
     * expired, so the caching layers answer from memory instead of refetching.
     */
    private JWKSet cachedKeySet() {
        if (remoteCache == null) {
            return null;
        }
        try {
            return remoteCache.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), 0L, null);
        } catch (KeySourceException e) {
            return null;
        }
    }

    private static JWKMatcher matcher(JWSHeader header) {
        JWSAlgorithm alg = header.getAlgorithm();
        JWKMatcher.Builder m = new JWKMatcher.Builder()
                .keyID(header.getKeyID())
                .keyUses(KeyUse.SIGNATURE, null)
                .algorithms(alg, null);
        if (JWSAlgorithm.Family.RSA.contains(alg)) {
            m.keyType(KeyType.RSA);
        } else if (JWSAlgorithm.Family.EC.contains(alg)) {
            // Nimbus's own header matcher does not pin the curve; an ES256 token must not reach a P-384 key.
            m.keyType(KeyType.EC).curves(Curve.forJWSAlgorithm(alg));
        } else {
            m.keyType(KeyType.OKP).curve(Curve.Ed25519);
        }
        return m.build();
    }

    /**
     * The JCA public key of a JWK, or null when it is unusable (short RSA key, private-only, wrong curve, or
     * not meant for verifying).
     */
    private static Key toPublicKey(JWK jwk) {
        if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
            // RFC 7517 §4.3: key_ops names the operations a key is intended for; one without "verify" (an
            // encryption key, say) must not verify signatures (Wycheproof JWS tcId 355, 356). Not in the
            // matcher: Nimbus compares key_ops as a whole set there, which would refuse ["sign", "verify"] too.
            return null;
        }
        try {
            if (jwk instanceof RSAKey) {
                java.security.interfaces.RSAPublicKey key = ((RSAKey) jwk).toRSAPublicKey();
                return key.getModulus().bitLength() >= MIN_RSA_BITS ? key : null;
            }
            if (jwk instanceof ECKey) {
                return ((ECKey) jwk).toECPublicKey();
            }
            if (jwk instanceof OctetKeyPair) {
                PublicKey key = EdDsaVerifier.toPublicKey((OctetKeyPair) jwk);
                return key;
            }
        } catch (JOSEException e) {
            return null;
        }
        return null;
    }
}
