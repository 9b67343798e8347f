package io.scopeenforcer;

import io.scopeenforcer.token.TokenFailure;
import io.scopeenforcer.token.TokenResult;
import io.scopeenforcer.token.VerifiedToken;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the enforcer decided for one request: {@link Allow} or {@link Deny}. A value, never an exception;
 * immutable and thread-safe.
 */
public sealed interface Decision permits Decision.Allow, Decision.Deny {

    /** True for {@link Allow}. */
    boolean allowed();

    /**
     * The {@code DPoP-Nonce} response header (RFC 9449 §8, §9): the server nonce the client should put in its next
     * proof, or null when the answer carries none.
     */
    String dpopNonce();

    /** This decision, its answer carrying {@code nonce} in {@code DPoP-Nonce}. */
    Decision withDpopNonce(String nonce);

    /** Why a request was denied; each reason has one status and one RFC 6750 error code (or none). */
    enum Reason {
        /** Method outside GET HEAD POST PUT PATCH DELETE OPTIONS: 405 with {@code Allow}. */
        METHOD_NOT_ALLOWED(405, null),
        /** Ambiguous path, malformed Authorization header, two tokens, token in the query or body: 400. */
        INVALID_REQUEST(400, "invalid_request"),
        /** No rule matches the method and path: 403 (deny by default). */
        NO_RULE(403, null),
        /** A protected route and no token: 401 with a bare {@code Bearer} challenge. */
        MISSING_TOKEN(401, null),
        /** Bad, expired, wrong-issuer or wrong-audience token: 401. */
        INVALID_TOKEN(401, "invalid_token"),
        /**
         * A DPoP-scheme request whose proof is missing, doubled or fails an RFC 9449 §4.3 check (signature,
         * {@code htm}, {@code htu}, {@code iat}, {@code ath}, replayed {@code jti}): 401 {@code invalid_dpop_proof}
         * (RFC 9449 §7.1).
         */
        INVALID_DPOP_PROOF(401, "invalid_dpop_proof"),
        /**
         * DPoP nonces are required and the proof has none, or one this server did not issue or no longer accepts:
         * 401 {@code use_dpop_nonce} with a fresh nonce in {@code DPoP-Nonce} (RFC 9449 §9).
         */
        USE_DPOP_NONCE(401, "use_dpop_nonce"),
        /** Keys cannot be had (JWKS down, nothing cached): 503 with {@code Retry-After}; not the client's fault. */
        KEYS_UNAVAILABLE(503, null),
        /** The token is bound to another tenant, or has no tenant claim: 403. */
        TENANT_MISMATCH(403, "insufficient_scope"),
        /** The token is bound to another realm, or has no realm claim: 403. */
        REALM_MISMATCH(403, "insufficient_scope"),
        /** An admin route and a token whose only fitting scope is {@code consumer::all}: 403. */
        CONSUMER_ALL_ON_ADMIN(403, "insufficient_scope"),
        /** Valid token without the required scope: 403. */
        INSUFFICIENT_SCOPE(403, "insufficient_scope"),
        /**
         * The shared DPoP replay cache (RFC 9449 §11.1) could not answer and fails closed: 503 with
         * {@code Retry-After}; not the client's fault.
         */
        REPLAY_CACHE_UNAVAILABLE(503, null);

        private final int status;
        private final String error;

        Reason(int status, String error) {
            this.status = status;
            this.error = error;
        }

        /** The HTTP status. */
        public int status() {
            return status;
        }

        /** The RFC 6750 {@code error} code, or null where the response carries none. */
        public String error() {
            return error;
        }
    }

    /**
     * Allowed.
     *
     * @param token the verified token, or null on a {@code public} route (no token is looked at there)
     * @param rule the rule that allowed it
     * @param variables the decoded path variables
     * @param dpopNonce the {@code DPoP-Nonce} to send with the answer, or null
     */
    record Allow(VerifiedToken token, Rule rule, Map<String, String> variables, String dpopNonce) implements Decision {
        /** Checks the components. */
        public Allow {
            Objects.requireNonNull(rule, "rule");
            variables = Map.copyOf(variables);
        }

        /** Allowed, with no {@code DPoP-Nonce}. */
        public Allow(VerifiedToken token, Rule rule, Map<String, String> variables) {
            this(token, rule, variables, null);
        }

        @Override
        public Allow withDpopNonce(String nonce) {
            return new Allow(token, rule, variables, nonce);
        }

        @Override
        public boolean allowed() {
            return true;
        }
    }

    /**
     * Denied, with everything a response needs, and what an operator needs to tell who was denied and why.
     *
     * @param reason why; gives the status and the RFC 6750 error code
     * @param description a short explanation safe to send to the client: never the token, never a long path
     * @param requiredScopes the scopes to name in {@code scope="..."} on a 403, else empty
     * @param rule the matched rule, or null when none was reached
     * @param retryAfterSeconds the {@code Retry-After} of a 503 (RFC 9110 §10.2.3), else 0
     * @param tokenProblem why the token was refused, for {@link Reason#INVALID_TOKEN} and
     *     {@link Reason#KEYS_UNAVAILABLE}; else null. Its {@code tokenIssuer} and {@code tokenAudiences} are
     *     untrusted and for logs only
     * @param token the verified token of a denial that came after verification (tenant, realm, scope), else null
     * @param dpopNonce the {@code DPoP-Nonce} to send with the answer; required for {@link Reason#USE_DPOP_NONCE},
     *     else null or a nonce to renew the client's
     */
    record Deny(Reason reason, String description, List<String> requiredScopes, Rule rule, long retryAfterSeconds,
            TokenResult.Invalid tokenProblem, VerifiedToken token, String dpopNonce) implements Decision {
        /** Checks the components. */
        public Deny {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(description, "description");
            requiredScopes = List.copyOf(requiredScopes);
            if (retryAfterSeconds < 0 || (retryAfterSeconds > 0) != (reason.status() == 503)) {
                throw new IllegalArgumentException("retryAfterSeconds is positive exactly for a 503");
            }
            if (tokenProblem != null && reason != Reason.INVALID_TOKEN && reason != Reason.KEYS_UNAVAILABLE) {
                throw new IllegalArgumentException("a tokenProblem belongs to INVALID_TOKEN or KEYS_UNAVAILABLE only");
            }
            if (reason == Reason.USE_DPOP_NONCE && dpopNonce == null) {
                throw new IllegalArgumentException("USE_DPOP_NONCE needs the dpopNonce to send");
            }
        }

        /** A denial without {@code DPoP-Nonce}. */
        public Deny(Reason reason, String description, List<String> requiredScopes, Rule rule, long retryAfterSeconds,
                TokenResult.Invalid tokenProblem, VerifiedToken token) {
            this(reason, description, requiredScopes, rule, retryAfterSeconds, tokenProblem, token, null);
        }

        /** A denial with a {@code Retry-After} (or 0), without token details. */
        public Deny(Reason reason, String description, List<String> requiredScopes, Rule rule, long retryAfterSeconds) {
            this(reason, description, requiredScopes, rule, retryAfterSeconds, null, null);
        }

        /** A denial whose response carries no {@code Retry-After}. */
        public Deny(Reason reason, String description, List<String> requiredScopes, Rule rule) {
            this(reason, description, requiredScopes, rule, 0);
        }

        /** The specific token failure ({@code EXPIRED}, {@code WRONG_AUDIENCE}...), or null when no token was refused. */
        public TokenFailure tokenFailure() {
            return tokenProblem == null ? null : tokenProblem.failure();
        }

        /**
         * The {@code Allow} header of a 405 (RFC 9110 §15.5.6): the methods the enforcer accepts; null for every
         * other reason.
         */
        public String allowHeader() {
            return reason == Reason.METHOD_NOT_ALLOWED ? HttpMethods.ALLOW_HEADER : null;
        }

        /** A 400 {@code invalid_request}, for request-level problems found outside the engine. */
        public static Deny invalidRequest(String description) {
            return new Deny(Reason.INVALID_REQUEST, description, List.of(), null);
        }

        @Override
        public Deny withDpopNonce(String nonce) {
            return new Deny(reason, description, requiredScopes, rule, retryAfterSeconds, tokenProblem, token, nonce);
        }

        /** The HTTP status. */
        public int status() {
            return reason.status();
        }

        /** The RFC 6750 {@code error} code, or null. */
        public String error() {
            return reason.error();
        }

        @Override
        public boolean allowed() {
            return false;
        }
    }
}
