package io.scopeenforcer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Map;

/**
 * Checks one DPoP proof JWT as RFC 9449 §4.3 lists, in its order: a JWS of {@code typ} {@code dpop+jwt}, an
 * accepted asymmetric {@code alg}, a public {@code jwk} header that verifies the signature, {@code htm} the
 * request's method, {@code htu} its URI (origin from configuration, path as the client sent it), {@code iat}
 * within the window, {@code ath} the token's hash (when there is a token: a token request has none), a
 * {@code jti}, and, where the settings require one, a {@code nonce} this server issued (item 10, §9). What it gives
 * back, the key's RFC 7638 thumbprint and the replay key, the caller checks against the token's {@code cnf.jkt} and
 * the replay cache.
 * Stateless and thread-safe.
 */
final class DpopProof {

    /** The longest proof read: a proof carries one public key, and an RSA 4096 one is under 1 KiB of JSON. */
    static final int MAX_LENGTH = 8192;
    /** The longest {@code jti} kept: RFC 9449 §4.2 asks for 96 bits of randomness, a few dozen characters. */
    static final int MAX_JTI = 256;
    static final int MIN_RSA_BITS = 2048;
    private static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), followed by the 32-byte key. */
    private static final byte[] ED25519_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    };

    /**
     * A checked proof: the proof key's thumbprint, the key its use is remembered under, and whether its nonce is
     * the previous step's, so the answer should carry the current one.
     */
    record Checked(String thumbprint, String replayKey, boolean renewNonce) {
    }

    /**
     * The outcome: a checked proof, or why it was refused (safe to send: never proof or token content) and whether
     * the refusal is for want of a valid server nonce (RFC 9449 §9 {@code use_dpop_nonce}).
     */
    record Result(Checked proof, String problem, boolean useNonce) {
        static Result refused(String problem) {
            return new Result(null, problem, false);
        }
    }

    private DpopProof() {
    }

    /**
     * Checks {@code proof} for a request.
     *
     * @param proof the {@code DPoP} header value
     * @param method the request method
     * @param requestPath the raw request path as the client sent it, without the query
     * @param token the access token the request carries, for {@code ath}; null at a token endpoint, where a
     *     proof binds a token yet to be issued and {@code ath} is not checked (RFC 9449 §4.3 item 12, §5)
     */
    static Result check(DpopSettings settings, String proof, String method, String requestPath, String token) {
        if (proof.isEmpty() || proof.length() > MAX_LENGTH) {
            return Result.refused(proof.isEmpty() ? "the DPoP proof is empty" : "the DPoP proof is too large");
        }
        SignedJWT jwt;
        Map<String, Object> claims;
        try {
            jwt = SignedJWT.parse(proof);
            claims = jwt.getPayload().toJSONObject();
        } catch (ParseException | RuntimeException e) {
            // Nimbus refuses a private "jwk" in a JWS header already at parse time; the message is not echoed.
            return Result.refused("the DPoP proof is not a well-formed JWS with a public jwk");
        }
        if (claims == null) {
            return Result.refused("the DPoP proof's payload is not a JSON object");
        }
        JWSHeader header = jwt.getHeader();
        // RFC 7515 §4.1.9: typ is a media type, compared case-insensitively.
        if (header.getType() == null || !TYPE.toString().equalsIgnoreCase(header.getType().toString())) {
            return Result.refused("the DPoP proof's typ is not dpop+jwt");
        }
        JWSAlgorithm alg = header.getAlgorithm();
        if (alg == null || !settings.algorithms().contains(alg.getName())) {
            return Result.refused("the DPoP proof's alg is not accepted");
        }
        JWK jwk = header.getJWK();
        if (jwk == null) {
            return Result.refused("the DPoP proof has no jwk header");
        }
        if (jwk.isPrivate()) {
            return Result.refused("the DPoP proof's jwk holds a private key");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return Result.refused("the DPoP proof has critical header parameters");
        }
        Boolean verified = verify(jwt, alg, jwk);
        if (verified == null) {
            return Result.refused("the DPoP proof's jwk does not fit its alg");
        }
        if (!verified) {
            return Result.refused("the DPoP proof's signature is invalid");
        }
        if (!(claims.get("htm") instanceof String htm) || !htm.equals(method)) {
            return Result.refused("the DPoP proof's htm is not the request method");
        }
        if (!(claims.get("htu") instanceof String htu)) {
            return Result.refused("the DPoP proof has no htu");
        }
        String expected = settings.origin() + normalizePath(requestPath.isEmpty() ? "/" : requestPath);
        String presented = normalizeHtu(htu);
        if (presented == null || !presented.equals(expected)) {
            return Result.refused("the DPoP proof's htu is not the request URI");
        }
        DpopNonces.Match nonce = DpopNonces.Match.CURRENT;
        if (settings.nonces() != null) {
            Object claim = claims.get("nonce");
            nonce = claim instanceof String value ? settings.nonces().match(value) : DpopNonces.Match.NONE;
            if (nonce == DpopNonces.Match.NONE) {
                return new Result(null, claim == null ? "the DPoP proof must carry the server's nonce"
                        : "the DPoP proof's nonce is not a current one from this server", true);
            }
        }
        String iatProblem = checkIat(claims.get("iat"), settings.clock().millis(), settings.windowSeconds());
        if (iatProblem != null) {
            return Result.refused(iatProblem);
        }
        if (token != null) {
            if (!(claims.get("ath") instanceof String ath)) {
                return Result.refused("the DPoP proof has no ath");
            }
            if (!MessageDigest.isEqual(ath.getBytes(StandardCharsets.US_ASCII),
                    accessTokenHash(token).getBytes(StandardCharsets.US_ASCII))) {
                return Result.refused("the DPoP proof's ath is not the hash of the access token");
            }
        }
        if (!(claims.get("jti") instanceof String jti) || jti.isEmpty() || jti.length() > MAX_JTI) {
            return Result.refused("the DPoP proof has no usable jti");
        }
        String thumbprint;
        try {
            thumbprint = jwk.computeThumbprint("SHA-256").toString();
        } catch (JOSEException e) {
            return Result.refused("the DPoP proof's jwk has no thumbprint");
        }
        // The replay key: a fixed-length hash over the key and the jti, so a long or hostile jti costs the cache
        // nothing more, and two keys' jti values never collide.
        String replayKey = base64urlSha256(thumbprint + ' ' + jti);
        return new Result(new Checked(thumbprint, replayKey, nonce == DpopNonces.Match.PREVIOUS), null, false);
    }

    /** Whether the signature verifies with {@code jwk}; null when the key's type, curve or size does not fit alg. */
    private static Boolean verify(SignedJWT jwt, JWSAlgorithm alg, JWK jwk) {
        if ("EdDSA".equals(alg.getName()) || "Ed25519".equals(alg.getName())) {
            // The JDK's Ed25519 (constant-time, RFC 8032 encodings checked): Nimbus's needs Google Tink.
            PublicKey key = jwk instanceof OctetKeyPair okp ? ed25519(okp) : null;
            if (key == null) {
                return null;
            }
            try {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initVerify(key);
                signature.update(jwt.getSigningInput());
                byte[] bytes = jwt.getSignature().decode();
                return bytes.length == 64 && signature.verify(bytes);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }
        JWSVerifier verifier = verifier(alg, jwk);
        if (verifier == null) {
            return null;
        }
        try {
            return jwt.verify(verifier);
        } catch (JOSEException | RuntimeException e) {
            return false;
        }
    }

    private static PublicKey ed25519(OctetKeyPair jwk) {
        if (!Curve.Ed25519.equals(jwk.getCurve())) {
            return null;
        }
        byte[] x = jwk.getDecodedX();
        if (x.length != 32) {
            return null;
        }
        byte[] der = new byte[ED25519_PREFIX.length + 32];
        System.arraycopy(ED25519_PREFIX, 0, der, 0, ED25519_PREFIX.length);
        System.arraycopy(x, 0, der, ED25519_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /** A verifier of {@code alg} with {@code jwk}, or null when the key's type or size does not fit it. */
    private static JWSVerifier verifier(JWSAlgorithm alg, JWK jwk) {
        try {
            if (JWSAlgorithm.Family.EC.contains(alg) && jwk instanceof ECKey ec) {
                // ECDSAVerifier refuses an alg its curve does not support (ES256 needs P-256...).
                ECDSAVerifier v = new ECDSAVerifier(ec);
                return v.supportedJWSAlgorithms().contains(alg) ? v : null;
            }
            if (JWSAlgorithm.Family.RSA.contains(alg) && jwk instanceof RSAKey rsa) {
                return rsa.size() >= MIN_RSA_BITS ? new RSASSAVerifier(rsa) : null;
            }
        } catch (JOSEException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * The window check of {@code iat} (RFC 9449 §4.3 item 11, §11.1): saturating, so a huge or negative value is
     * simply far away and never wraps into the window.
     */
    static String checkIat(Object value, long nowMillis, long windowSeconds) {
        if (!(value instanceof Number number)) {
            return "the DPoP proof has no numeric iat";
        }
        long iat;
        if (value instanceof Long || value instanceof Integer) {
            iat = number.longValue();
        } else {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return "the DPoP proof has no numeric iat";
            }
            iat = d >= 9.0e15 ? Long.MAX_VALUE / 2 : d <= -9.0e15 ? Long.MIN_VALUE / 2 : (long) Math.floor(d);
        }
        long now = Math.floorDiv(nowMillis, 1000L);
        long offset = saturatingSubtract(iat, now);
        if (offset > windowSeconds) {
            return "the DPoP proof's iat is in the future";
        }
        if (offset < -windowSeconds) {
            return "the DPoP proof is too old";
        }
        return null;
    }

    static long saturatingSubtract(long a, long b) {
        long r = a - b;
        // Overflow iff the operands have different signs and the result's sign differs from a's.
        if (((a ^ b) & (a ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    /**
     * {@code htu} normalized for comparison (RFC 9449 §4.3 item 9, RFC 3986 §6.2.2 and §6.2.3): origin as
     * {@link DpopSettings#origin(URI)} makes it, path with percent-encodings normalized, an empty path as
     * {@code /}. Null when it is not an absolute http(s) URI, or carries user info, a query or a fragment (RFC 9449
     * §4.2: {@code htu} is "without query and fragment parts").
     */
    static String normalizeHtu(String htu) {
        URI uri;
        try {
            uri = new URI(htu);
        } catch (URISyntaxException e) {
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            return null;
        }
        String origin = DpopSettings.origin(uri);
        if (origin == null) {
            return null;
        }
        String path = uri.getRawPath();
        return origin + normalizePath(path == null || path.isEmpty() ? "/" : path);
    }

    /**
     * RFC 3986 §6.2.2.1 and §6.2.2.2: hex digits of percent-encodings in upper case, unreserved characters
     * decoded. Dot segments are left as they are: the path firewall refuses them in a request, so an {@code htu}
     * with one never matches.
     */
    static String normalizePath(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) {
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    char decoded = (char) (hi * 16 + lo);
                    if (isUnreserved(decoded)) {
                        out.append(decoded);
                    } else {
                        out.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                                .append(Character.toUpperCase(path.charAt(i + 2)));
                    }
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    /** RFC 9449 §4.2 {@code ath}: base64url (no padding) of SHA-256 over the token's ASCII. */
    static String accessTokenHash(String token) {
        return base64urlSha256(token);
    }

    static String base64urlSha256(String text) {
        return Base64URL.encode(sha256(text.getBytes(StandardCharsets.UTF_8))).toString();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }
}
