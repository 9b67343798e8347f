package io.scopeenforcer;

import java.util.List;
import java.util.Objects;

/**
 * The DPoP proof of a token request, checked as an authorization server must before it issues a DPoP-bound token
 * (RFC 9449 §5): exactly one {@code DPoP} header, then the §4.3 list a resource server runs ({@code typ},
 * asymmetric {@code alg}, public {@code jwk}, signature, {@code htm}, {@code htu} against the settings' origin,
 * {@code iat} window, {@code jti} not used before), except {@code ath}: a token request carries no access token.
 * For an issuer built beside this library, such as the example app's development issuer; the resource server's
 * check is {@link Enforcer}'s. Stateless and thread-safe.
 */
public final class TokenRequestProof {

    /**
     * The outcome: the proof key's RFC 7638 SHA-256 thumbprint (what the issued token's {@code cnf.jkt} must be),
     * or why the proof was refused, in words safe to send as {@code error_description} (never proof content).
     */
    public record Result(String thumbprint, String problem) {

        /** Whether the proof was accepted, {@link #thumbprint()} then set. */
        public boolean accepted() {
            return thumbprint != null;
        }
    }

    private TokenRequestProof() {
    }

    /**
     * Checks the {@code DPoP} headers of a token request. An accepted proof is recorded in the settings' replay cache,
     * so the same proof is refused next time; a refused one is not recorded.
     *
     * @param settings the token endpoint's origin, accepted algorithms, {@code iat} window and replay cache
     * @param proofs every {@code DPoP} header value of the request, in order (more than one is refused)
     * @param method the request method; a proof's {@code htm} must be it
     * @param requestPath the raw request path as the client sent it, without the query
     * @return the thumbprint, or the problem
     * @throws ReplayCache.Unavailable when a shared replay cache cannot answer: not the client's fault
     */
    public static Result check(DpopSettings settings, List<String> proofs, String method, String requestPath) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(requestPath, "requestPath");
        if (proofs.size() != 1) {
            return new Result(null, proofs.isEmpty() ? "a DPoP proof is required" : "more than one DPoP header");
        }
        DpopProof.Result result = DpopProof.check(settings, proofs.get(0), method, requestPath, null);
        if (result.problem() != null) {
            return new Result(null, result.problem());
        }
        if (!settings.replayCache().markUsed(result.proof().replayKey(), settings.retention())) {
            return new Result(null, "the DPoP proof was already used");
        }
        return new Result(result.proof().thumbprint(), null);
    }
}
