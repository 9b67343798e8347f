package io.scopeenforcer;

import io.scopeenforcer.internal.EngineAccess;
import io.scopeenforcer.internal.Settings;
import io.scopeenforcer.internal.TokenAccess;
import io.scopeenforcer.internal.Verification;
import io.scopeenforcer.scope.Scope;
import io.scopeenforcer.token.TokenCacheStats;
import io.scopeenforcer.token.TokenFailure;
import io.scopeenforcer.token.TokenResult;
import io.scopeenforcer.token.TokenVerifier;
import io.scopeenforcer.token.VerifiedToken;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The decision engine: method check, path firewall, route policy, token verification, tenant binding and
 * scope requirement, in that order, giving a {@link Decision}. Immutable and thread-safe.
 *
 * <p>Decisions for a verified token are kept in the token's own cache entry, so they live exactly as long as it
 * (dropped with it at {@code exp}, at the max TTL or on eviction) and are reached by the same single cache probe
 * that answers the token; the entry is checked against the clock before it is handed out, so a decision is
 * never served past {@code exp}. Within a token at most {@value #DECISIONS_PER_TOKEN} decisions are kept.
 */
public final class Enforcer {

    static final int DECISIONS_PER_TOKEN = 64;
    private static final Decision.Deny METHOD_NOT_ALLOWED =
            new Decision.Deny(Decision.Reason.METHOD_NOT_ALLOWED, "method not allowed", List.of(), null);
    private static final Decision.Deny NO_RULE =
            new Decision.Deny(Decision.Reason.NO_RULE, "no policy rule allows this request", List.of(), null);
    /** The longest list of missing scopes a description quotes. */
    static final int MAX_LISTED = 120;
    static final long DEFAULT_RETRY_AFTER_SECONDS = 5;
    /** The realm claim's "every realm"; never a tenant. */
    private static final String WILDCARD = "*";

    private final TokenVerifier verifier;
    private final RoutePolicy policy;
    private final long retryAfterSeconds;
    private final boolean cacheDecisions;
    /** DPoP proof checking (RFC 9449), or null when DPoP is off and the {@code DPoP} scheme is no token. */
    private final DpopSettings dpop;
    private final SenderConstraint senderConstraint;
    private final LongAdder decisionHits = new LongAdder();
    private final LongAdder decisionMisses = new LongAdder();

    static {
        EngineAccess.install(Enforcer::policy, RoutePolicy::fixedScopes, Enforcer::verifier);
    }

    private Enforcer(Builder b) {
        this.verifier = b.verifier;
        this.policy = b.policy;
        this.retryAfterSeconds = b.retryAfter == null ? DEFAULT_RETRY_AFTER_SECONDS : b.retryAfter.getSeconds();
        // Maintenance on the calling thread, as in TokenVerifier.
        this.cacheDecisions = b.cacheDecisions;
        this.dpop = b.dpop;
        this.senderConstraint = b.senderConstraint;
    }

    /** A builder. */
    public static Builder newBuilder() {
        return new Builder();
    }

    /** The route policy in force; the servlet module reads it through {@link EngineAccess}. */
    private RoutePolicy policy() {
        return policy;
    }

    /**
     * Decides one request from what it carries.
     *
     * <p>The {@code Authorization} value is parsed here (RFC 6750 §2.1: {@code Bearer}, case-insensitive, one
     * b64token); another scheme counts as no token. The token cache is probed once: a token that verified
     * before is answered from it without looking at its characters again, and the b64token check runs only
     * for a token that is not such a hit, so a malformed header is still a 400 on every route.
     *
     * @param authorization the request's one {@code Authorization} header value, or null when it had none (a
     *     caller that sees two headers answers {@link Decision.Deny#invalidRequest} itself)
     * @param method the request method, case-sensitive (RFC 9110 §9.1)
     * @param rawPath the raw, still percent-encoded path (anything from {@code ?} on is ignored)
     * @return allow or deny; never throws for bad input
     * @throws NullPointerException when {@code method} or {@code rawPath} is null
     */
    public Decision decide(String authorization, String method, String rawPath) {
        return decide(authorization, method, rawPath, ProofOfPossession.NONE);
    }

    /**
     * Decides one request, with what it presents to prove it holds a sender-constrained token's key: its
     * {@code DPoP} headers (RFC 9449) and its TLS client certificate (RFC 8705). With DPoP on
     * ({@link Builder#dpop}), {@code Authorization: DPoP <token>} carries a token too, and needs exactly one valid
     * proof. A token with a {@code cnf} claim is accepted only with the proof it names: {@code jkt} with the DPoP
     * scheme and a proof by that key, never as {@code Bearer}; {@code x5t#S256} with that client certificate.
     * A request that presents nothing costs what {@link #decide(String, String, String)} costs.
     *
     * @param proof what the request presents; {@link ProofOfPossession#NONE} for nothing
     * @return allow or deny; never throws for bad input
     * @throws NullPointerException when {@code method}, {@code rawPath} or {@code proof} is null
     */
    public Decision decide(String authorization, String method, String rawPath, ProofOfPossession proof) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(proof, "proof");
        // The token stays a part of the header, authorization[start, end): a verified hit never copies it
        // (TokenAccess), and the parse allocates nothing. start < 0: no token.
        int start = BearerHeader.tokenStart(authorization, "Bearer");
        boolean dpopScheme = false;
        if (start == BearerHeader.NO_TOKEN && dpop != null) {
            start = BearerHeader.tokenStart(authorization, "DPoP");
            dpopScheme = start != BearerHeader.NO_TOKEN;
        }
        if (start < BearerHeader.NO_TOKEN) {
            return Decision.Deny.invalidRequest(BearerHeader.problem(start,
                    dpopScheme ? "empty DPoP token" : "empty bearer token"));
        }
        int end = start < 0 ? 0 : BearerHeader.tokenEnd(authorization);
        String header = start < 0 ? null : authorization; // null: no token
        if (!HttpMethods.isAllowed(method)) {
            return checked(header, start, end, METHOD_NOT_ALLOWED);
        }
        int query = rawPath.indexOf('?');
        RequestPath path = RequestPath.forThisThread();
        String rejection = PathFirewall.scan(rawPath, query < 0 ? rawPath.length() : query, path);
        if (rejection != null) {
            return checked(header, start, end, Decision.Deny.invalidRequest(rejection));
        }
        Rule rule = policy.match(method, path);
        if (rule == null) {
            return checked(header, start, end, NO_RULE);
        }
        if (rule.requirement().kind() == Requirement.Kind.PUBLIC) {
            return checked(header, start, end, new Decision.Allow(null, rule, path.match(rule).variables()));
        }
        if (header == null) {
            return new Decision.Deny(Decision.Reason.MISSING_TOKEN, "a bearer token is required",
                    requiredScopes(rule, path.match(rule).variables()), rule);
        }
        Verification verification = TokenAccess.verify(verifier, header, start, end);
        if (verification.result() instanceof TokenResult.Invalid invalid) {
            if (invalid.failure() == TokenFailure.KEYS_UNAVAILABLE) {
                return checked(header, start, end, new Decision.Deny(Decision.Reason.KEYS_UNAVAILABLE,
                        invalid.description(), List.of(), rule, retryAfterSeconds, invalid, null));
            }
            return checked(header, start, end, new Decision.Deny(Decision.Reason.INVALID_TOKEN,
                    invalid.description(), List.of(), rule, 0, invalid, null));
        }
        // A verified token is a compact JWS, so a b64token: no character check needed.
        VerifiedToken verified = ((TokenResult.Valid) verification.result()).token();
        // One field read for a bearer token without cnf: the binding checks cost nothing where there is none.
        String renewedNonce = null;
        // The stricter of the enforcer's setting and the rule's own sender-constrained modifier.
        SenderConstraint constraint = rule.senderConstraint().compareTo(senderConstraint) > 0
                ? rule.senderConstraint() : senderConstraint;
        if (dpopScheme || verified.confirmation() != null || constraint != SenderConstraint.OPTIONAL) {
            Bound bound = binding(verified, header.substring(start, end), dpopScheme, method, rawPath, proof, rule,
                    constraint);
            if (bound.refused() != null) {
                return bound.refused();
            }
            renewedNonce = bound.renewedNonce();
        }
        Decision decision = cached(verified, rule, path, cacheDecisions ? verification.decisions() : null);
        // The cached decision never holds a nonce: one is added per request, when the client's is about to lapse.
        return renewedNonce == null ? decision : decision.withDpopNonce(renewedNonce);
    }

    /**
     * The outcome of the binding checks: a denial, or none and the server nonce to give the client because its
     * proof's is the previous step's (RFC 9449 §8.2), or null.
     */
    private record Bound(Decision.Deny refused, String renewedNonce) {
        static final Bound PROVED = new Bound(null, null);

        static Bound refuse(Decision.Deny deny) {
            return new Bound(deny, null);
        }
    }

    /**
     * The denial of a request that does not prove the key its token is bound to, or none when it does (or the token
     * is bound to nothing and nothing is required). RFC 9449 §7.1 and §7.2 for {@code jkt}, RFC 8705 §3 for
     * {@code x5t#S256}; the replay cache is asked last, so a proof refused for another reason is not remembered.
     */
    private Bound binding(VerifiedToken verified, String token, boolean dpopScheme,
            String method, String rawPath, ProofOfPossession proof, Rule rule, SenderConstraint constraint) {
        Map<String, Object> cnf = verified.confirmation();
        Object jkt = cnf == null ? null : cnf.get("jkt");
        Object x5t = cnf == null ? null : cnf.get("x5t#S256");
        if (cnf != null && jkt == null && x5t == null) {
            return Bound.refuse(unbound(verified, rule, "the token's cnf names no binding this API can check"));
        }
        DpopProof.Checked checked = null;
        if (dpopScheme) {
            if (proof.dpopProofs().size() != 1) {
                return Bound.refuse(badProof(verified, rule,
                        proof.dpopProofs().isEmpty() ? "a DPoP proof is required" : "more than one DPoP header"));
            }
            String path = proof.requestPath();
            if (path == null) {
                int query = rawPath.indexOf('?');
                path = query < 0 ? rawPath : rawPath.substring(0, query);
            }
            DpopProof.Result result = DpopProof.check(dpop, proof.dpopProofs().get(0), method, path, token);
            if (result.useNonce()) {
                return Bound.refuse(new Decision.Deny(Decision.Reason.USE_DPOP_NONCE, result.problem(), List.of(), rule,
                        0, null, verified, dpop.nonces().current()));
            }
            if (result.problem() != null) {
                return Bound.refuse(badProof(verified, rule, result.problem()));
            }
            checked = result.proof();
            if (!(jkt instanceof String thumbprint)) {
                return Bound.refuse(unbound(verified, rule, "the token is not DPoP-bound"));
            }
            if (!thumbprint.equals(checked.thumbprint())) {
                return Bound.refuse(unbound(verified, rule, "the token is bound to another DPoP key"));
            }
        } else if (jkt != null) {
            // RFC 9449 §7.2: a DPoP-bound token sent as a bearer token is refused, or a thief could skip the proof.
            return Bound.refuse(unbound(verified, rule,
                    "the token is DPoP-bound; send it with the DPoP scheme and a proof"));
        } else if (constraint == SenderConstraint.DPOP) {
            return Bound.refuse(unbound(verified, rule, "a DPoP-bound token, sent with the DPoP scheme, is required"));
        }
        if (x5t != null) {
            String presented = certificateThumbprint(proof.clientCertificate());
            if (!(x5t instanceof String expected) || presented == null || !expected.equals(presented)) {
                return Bound.refuse(unbound(verified, rule, presented == null
                        ? "the token is bound to a TLS client certificate"
                        : "the token is bound to another TLS client certificate"));
            }
        } else if (jkt == null && constraint != SenderConstraint.OPTIONAL) {
            return Bound.refuse(unbound(verified, rule,
                    "a sender-constrained token (DPoP or certificate-bound) is required"));
        }
        if (checked != null) {
            boolean fresh;
            try {
                fresh = dpop.replayCache().markUsed(checked.replayKey(), dpop.retention());
            } catch (ReplayCache.Unavailable e) {
                // A shared store that cannot answer (fail-closed): 503, like keys that cannot be had; the proof
                // is neither accepted unchecked nor blamed on the client.
                return Bound.refuse(new Decision.Deny(Decision.Reason.REPLAY_CACHE_UNAVAILABLE,
                        "the DPoP replay cache is temporarily unavailable", List.of(), rule, retryAfterSeconds, null,
                        verified));
            }
            if (!fresh) {
                return Bound.refuse(badProof(verified, rule, "the DPoP proof was already used"));
            }
            if (checked.renewNonce()) {
                return new Bound(null, dpop.nonces().current());
            }
        }
        return Bound.PROVED;
    }

    /** RFC 8705 §3.1: base64url (no padding) of SHA-256 over the certificate's DER; null without one. */
    static String certificateThumbprint(X509Certificate certificate) {
        if (certificate == null) {
            return null;
        }
        try {
            return com.nimbusds.jose.util.Base64URL.encode(DpopProof.sha256(certificate.getEncoded())).toString();
        } catch (CertificateEncodingException e) {
            return null;
        }
    }

    private static Decision.Deny unbound(VerifiedToken verified, Rule rule, String description) {
        return new Decision.Deny(Decision.Reason.INVALID_TOKEN, description, List.of(), rule, 0,
                new TokenResult.Invalid(TokenFailure.SENDER_BINDING, description), verified);
    }

    private static Decision.Deny badProof(VerifiedToken verified, Rule rule, String description) {
        return new Decision.Deny(Decision.Reason.INVALID_DPOP_PROOF, description, List.of(), rule, 0, null, verified);
    }

    /** The DPoP settings, or null when DPoP is off; the servlet module reads them for challenges and metadata. */
    public DpopSettings dpop() {
        return dpop;
    }

    /** Which tokens must be sender-constrained ({@link Builder#senderConstraint}). */
    public SenderConstraint senderConstraint() {
        return senderConstraint;
    }

    /**
     * Which tokens are accepted without a proof of possession, from the weakest to the strictest (a rule's own
     * constraint and the enforcer's combine to the stricter). Bound tokens are always held to their binding.
     */
    public enum SenderConstraint {
        /** Any: a token without {@code cnf} is a bearer token. The default. */
        OPTIONAL,
        /** Only tokens bound by {@code cnf} to a DPoP key ({@code jkt}) or a TLS client certificate ({@code x5t#S256}). */
        REQUIRED,
        /** Only DPoP-bound tokens sent with the {@code DPoP} scheme (RFC 9449 {@code dpop_bound_access_tokens_required}). */
        DPOP
    }

    /**
     * {@code decision}, unless the header's token is not an RFC 6750 b64token: then the header's 400 wins, as it
     * would have had the header been checked first. Runs for every decision not reached through a verified token.
     */
    private static Decision checked(String header, int start, int end, Decision decision) {
        String problem = header == null ? null : BearerHeader.checkToken(header, start, end);
        return problem == null ? decision : Decision.Deny.invalidRequest(problem);
    }

    /**
     * The decision for a verified token on a matched route, from the token's own decisions when it has them. The
     * key is the rule and its variables' values, everything the decision depends on besides the token: a decision
     * made for one route or one set of required scopes is never served for another (the reuse behind Ory
     * Oathkeeper's CVE-2021-32701). {@code perToken} lives in the token's cache entry, so it is never consulted
     * past {@code exp}: the entry is checked against the clock before it is handed out.
     */
    private Decision cached(VerifiedToken token, Rule rule, RequestPath path,
            ConcurrentMap<Object, Object> perToken) {
        if (perToken == null) {
            return evaluate(token, path.match(rule));
        }
        // The probe compares the path's regions with a kept key's values: a hit makes no strings.
        Decision decision = (Decision) perToken.get(path.probe(rule));
        if (decision != null) {
            decisionHits.increment();
            return decision;
        }
        decisionMisses.increment();
        RouteMatch match = path.match(rule);
        decision = evaluate(token, match);
        if (perToken.size() < DECISIONS_PER_TOKEN) {
            perToken.putIfAbsent(match.asKey(), decision);
        }
        return decision;
    }

    /** The uncached decision for a verified token on a matched route. */
    Decision evaluate(VerifiedToken token, RouteMatch match) {
        Rule rule = match.rule();
        Map<String, String> variables = match.variables();
        if (rule.tenantBound()) {
            String tenant = variables.get("tenant");
            // A token of an issuer template's concrete issuer is bound by its iss (.../tenants/acme/...): that tenant
            // must be the route's, whatever the claim says, since tenant A's issuer can sign any claim. A tenant
            // claim beside it must match as well; without one the iss binds it alone.
            if (token.issuerTenant() != null && !token.issuerTenant().equals(tenant)) {
                return new Decision.Deny(Decision.Reason.TENANT_MISMATCH, "the token's issuer is another tenant's",
                        requiredScopes(rule, variables), rule, 0, null, token);
            }
            // A "*" tenant would open every tenant: only the realm claim may be a wildcard. A "*" tenant claim
            // therefore matches nothing, not even a path whose tenant segment is a literal "*" (or "%2a").
            if (token.tenant() == null ? token.issuerTenant() == null
                    : WILDCARD.equals(token.tenant()) || !token.tenant().equals(tenant)) {
                return new Decision.Deny(Decision.Reason.TENANT_MISMATCH,
                        token.tenant() == null ? "the token is not bound to a tenant"
                                : "the token is bound to another tenant",
                        requiredScopes(rule, variables), rule, 0, null, token);
            }
        }
        if (rule.realmBound()) {
            String realm = variables.get("realm");
            // The realm of an issuer template's iss is one realm, never a wildcard.
            if (token.issuerRealm() != null && (WILDCARD.equals(realm) || !token.issuerRealm().equals(realm))) {
                return new Decision.Deny(Decision.Reason.REALM_MISMATCH, "the token's issuer is another realm's",
                        requiredScopes(rule, variables), rule, 0, null, token);
            }
            // The realm claim "*" means every realm of the tenant; a path realm "*" is no realm at all, so that a
            // "*" on both sides is not read as a match.
            if (token.realm() == null ? token.issuerRealm() == null : WILDCARD.equals(realm)
                    || !(token.realm().equals(WILDCARD) || token.realm().equals(realm))) {
                return new Decision.Deny(Decision.Reason.REALM_MISMATCH,
                        token.realm() == null ? "the token is not bound to a realm"
                                : "the token is bound to another realm",
                        requiredScopes(rule, variables), rule, 0, null, token);
            }
        }
        Requirement.Outcome outcome = rule.requirement().check(token.scopes(), variables, rule.admin());
        if (outcome.met()) {
            return new Decision.Allow(token, rule, variables);
        }
        if (outcome.problem() != null) {
            return new Decision.Deny(Decision.Reason.INSUFFICIENT_SCOPE, outcome.problem(), List.of(), rule, 0, null,
                    token);
        }
        if (rule.admin() && token.scopes().contains(Scope.CONSUMER_ALL)) {
            return new Decision.Deny(Decision.Reason.CONSUMER_ALL_ON_ADMIN,
                    Scope.CONSUMER_ALL + " never opens admin APIs", outcome.required(), rule, 0, null, token);
        }
        return new Decision.Deny(Decision.Reason.INSUFFICIENT_SCOPE, "the token lacks " + shortList(outcome.missing()),
                outcome.required(), rule, 0, null, token);
    }

    /**
     * The missing scopes for a description, at most {@value #MAX_LISTED} chars: a scope filled from a path variable
     * can be as long as the path (docs/architecture.md §14.6), and the full list is in {@code requiredScopes} anyway.
     */
    private static String shortList(List<String> scopes) {
        String all = String.join(" ", scopes);
        return all.length() <= MAX_LISTED ? all : all.substring(0, MAX_LISTED - 3) + "...";
    }

    private static List<String> requiredScopes(Rule rule, Map<String, String> variables) {
        if (rule.requirement().kind() != Requirement.Kind.SCOPES) {
            return List.of();
        }
        return rule.requirement().check(io.scopeenforcer.scope.ScopeSet.empty(), variables, rule.admin()).required();
    }

    /** The token verifier; the servlet module reads it through {@link EngineAccess} for readiness and metrics. */
    private TokenVerifier verifier() {
        return verifier;
    }

    /** A snapshot of the engine's cache counters: the token cache and the decision cache. */
    public Stats stats() {
        return new Stats(verifier.stats(), new DecisionCacheStats(decisionHits.sum(), decisionMisses.sum()));
    }

    /**
     * The engine's cache counters.
     *
     * @param tokenCache the token verifier's caches
     * @param decisionCache the per-token decision cache
     */
    public record Stats(TokenCacheStats tokenCache, DecisionCacheStats decisionCache) {
    }

    /**
     * Decision-cache counters.
     *
     * @param hits decisions served from the cache
     * @param misses decisions evaluated
     */
    public record DecisionCacheStats(long hits, long misses) {
    }

    /** Builds an {@link Enforcer}; each setting once. Not thread-safe; the enforcer is. */
    public static final class Builder {

        private TokenVerifier verifier;
        private RoutePolicy policy;
        private boolean cacheDecisions = true;
        private boolean decisionCacheSet;
        private Duration retryAfter;
        private DpopSettings dpop;
        private SenderConstraint senderConstraint = SenderConstraint.OPTIONAL;
        private boolean senderConstraintSet;

        private Builder() {
        }

        /**
         * Turns DPoP on (RFC 9449): {@code Authorization: DPoP <token>} with a {@code DPoP} proof header is accepted,
         * checked as these settings say. Off by default: the {@code DPoP} scheme then carries no token.
         */
        public Builder dpop(DpopSettings settings) {
            Settings.once(this.dpop, "dpop");
            this.dpop = Objects.requireNonNull(settings, "dpop");
            return this;
        }

        /**
         * Which tokens must be sender-constrained; default {@link SenderConstraint#OPTIONAL}. {@code DPOP} needs
         * {@link #dpop}. Bound tokens are always held to their binding.
         */
        public Builder senderConstraint(SenderConstraint constraint) {
            Settings.once(senderConstraintSet, "senderConstraint");
            this.senderConstraint = Objects.requireNonNull(constraint, "senderConstraint");
            this.senderConstraintSet = true;
            return this;
        }

        /** The token verifier (required). */
        public Builder verifier(TokenVerifier verifier) {
            Settings.once(this.verifier, "verifier");
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /** The route policy (required). */
        public Builder policy(RoutePolicy policy) {
            Settings.once(this.policy, "policy");
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Whether a verified token's decisions are kept (in its token-cache entry, so as many tokens as the token
         * cache holds, at most {@value Enforcer#DECISIONS_PER_TOKEN} routes each); default true. With the token
         * cache off nothing is kept either way.
         */
        public Builder decisionCache(boolean enabled) {
            Settings.once(decisionCacheSet, "decisionCache");
            this.cacheDecisions = enabled;
            this.decisionCacheSet = true;
            return this;
        }

        /**
         * The {@code Retry-After} a 503 carries when an issuer's keys cannot be had (RFC 9110 §10.2.3), in whole
         * seconds; default 5 s.
         *
         * @throws IllegalArgumentException when below one second or above one day
         */
        public Builder retryAfter(Duration delay) {
            Objects.requireNonNull(delay, "retryAfter");
            Settings.once(retryAfter, "retryAfter");
            if (delay.getSeconds() < 1 || delay.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("retryAfter must be between 1 second and 1 day, got " + delay);
            }
            this.retryAfter = delay;
            return this;
        }

        /**
         * The enforcer.
         *
         * @throws IllegalStateException when the verifier or the policy is missing, or DPoP is required (by
         *     {@link #senderConstraint} or a rule) without {@link #dpop}
         */
        public Enforcer build() {
            if (verifier == null) {
                throw new IllegalStateException("verifier is required");
            }
            if (policy == null) {
                throw new IllegalStateException("policy is required");
            }
            if (senderConstraint == SenderConstraint.DPOP && dpop == null) {
                throw new IllegalStateException("senderConstraint DPOP needs dpop settings");
            }
            if (dpop == null) {
                for (Rule rule : policy.rules()) {
                    if (rule.senderConstraint() == SenderConstraint.DPOP) {
                        throw new IllegalStateException(rule.source() + ": sender-constrained=dpop needs dpop settings");
                    }
                }
            }
            return new Enforcer(this);
        }
    }
}
