package io.scopeenforcer.token;

import com.nimbusds.jwt.JWTClaimsSet;
import io.scopeenforcer.internal.ScopeAccess;
import io.scopeenforcer.scope.Scope;
import io.scopeenforcer.scope.ScopeSet;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The claims of an authentic token → a {@link VerifiedToken}, or the failure: time claims (read from the JSON, see
 * {@link ClaimsJson}), audience, and the identity, scope, tenant and realm claims. Immutable and thread-safe.
 */
final class TokenClaims {

    /** Client id claims, in order of preference: RFC 9068, then OIDC, then Okta's. */
    private static final List<String> CLIENT_ID_CLAIMS = List.of("client_id", "azp", "cid");

    private final Clock clock;
    private final List<String> scopeClaims;
    private final String tenantClaim;
    private final String realmClaim;
    /**
     * The claim names tokens carry, each kept once: the JSON parser makes new strings for every token, and a
     * cached token would otherwise hold its own copies of "iss", "exp"... (HeapPerToken, BENCHMARKS.md).
     */
    private final Map<String, String> claimNames;

    /**
     * {@code names} checked as the scope claims of a builder setting: not empty, no empty or repeated name.
     *
     * @return an unmodifiable copy
     * @throws IllegalArgumentException naming {@code setting}
     */
    static List<String> checkScopeClaims(List<String> names, String setting) {
        Objects.requireNonNull(names, setting);
        if (names.isEmpty()) {
            throw new IllegalArgumentException(setting + " must not be empty");
        }
        for (String name : names) {
            checkClaimName(name, setting);
        }
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException(setting + " must not repeat a name");
        }
        return List.copyOf(names);
    }

    /** {@code name} checked as a claim name of a builder setting: not null, not empty. */
    static String checkClaimName(String name, String setting) {
        Objects.requireNonNull(name, setting);
        if (name.isEmpty()) {
            throw new IllegalArgumentException(setting + " must not hold an empty claim name");
        }
        return name;
    }

    TokenClaims(Clock clock, List<String> scopeClaims, String tenantClaim, String realmClaim) {
        this.clock = clock;
        this.scopeClaims = List.copyOf(scopeClaims);
        this.tenantClaim = tenantClaim;
        this.realmClaim = realmClaim;
        Map<String, String> names = new HashMap<>();
        for (String name : List.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "typ", "client_id", "azp",
                "cid", "auth_time", "acr", "amr", "groups", "roles", "entitlements")) {
            names.put(name, name);
        }
        scopeClaims.forEach(name -> names.put(name, name));
        names.put(tenantClaim, tenantClaim);
        names.put(realmClaim, realmClaim);
        this.claimNames = Map.copyOf(names);
    }

    /** The verified token, or why its claims refuse it; {@code raw} is the claims set as parsed JSON. */
    TokenResult check(TrustedIssuer issuer, JWTClaimsSet claims, Map<String, Object> raw) {
        // The time claims are read from the JSON itself, not from Nimbus's Dates: seconds * 1000 of a value such
        // as 1e16 or 2^63 overflows a long into the past, and a far-future nbf would then pass. A time outside
        // ClaimsJson's range is malformed; inside it, every sum below is far from overflowing.
        long exp = ClaimsJson.epochSeconds(raw, "exp");
        long nbf = ClaimsJson.epochSeconds(raw, "nbf");
        long iat = ClaimsJson.epochSeconds(raw, "iat");
        if (exp == ClaimsJson.ABSENT) {
            return invalid(TokenFailure.MALFORMED, "the token has no expiry");
        }
        if (exp == ClaimsJson.OUT_OF_RANGE || nbf == ClaimsJson.OUT_OF_RANGE || iat == ClaimsJson.OUT_OF_RANGE) {
            return invalid(TokenFailure.MALFORMED, "a token time claim is not a number of seconds in range");
        }
        long now = clock.millis();
        long skew = issuer.clockSkewMillis();
        // RFC 7519 §4.1.4: the current time must be before exp.
        if (now >= exp * 1000 + skew) {
            return TokenVerifier.standard(TokenFailure.EXPIRED);
        }
        if (inFuture(nbf, now, skew) || inFuture(iat, now, skew)) {
            return TokenVerifier.standard(TokenFailure.NOT_YET_VALID);
        }
        if (!hasAcceptedAudience(issuer.audiences(), claims.getAudience())) {
            return TokenResult.Invalid.of(TokenFailure.WRONG_AUDIENCE, claims.getIssuer(), claims.getAudience());
        }
        String clientId;
        String subject;
        String tenant;
        String realm;
        try {
            clientId = firstString(raw, CLIENT_ID_CLAIMS);
            // Nimbus turns a numeric sub into a string; RFC 7519 §4.1.2 says StringOrURI, so read the JSON value.
            subject = ClaimsJson.string(raw, "sub");
            tenant = ClaimsJson.string(raw, tenantClaim);
            realm = ClaimsJson.string(raw, realmClaim);
        } catch (ParseException e) {
            return invalid(TokenFailure.MALFORMED, "a token claim has the wrong type");
        }
        if (subject == null && clientId == null) {
            return invalid(TokenFailure.MALFORMED, "the token names neither a subject nor a client");
        }
        VerifiedToken token = VerifiedToken.newBuilder()
                .issuer(issuer.issuer())
                .subject(subject)
                .clientId(clientId)
                .audiences(nonNull(claims.getAudience()))
                .scopes(scopes(claims))
                .tenant(tenant)
                .realm(realm)
                .issuerTenant(issuer.boundTenant())
                .issuerRealm(issuer.boundRealm())
                .expiresAt(Instant.ofEpochSecond(exp))
                .claims(frozenClaims(raw, claimNames))
                .build();
        return new TokenResult.Valid(token);
    }

    private static boolean inFuture(long epochSeconds, long now, long skew) {
        return epochSeconds != ClaimsJson.ABSENT && epochSeconds * 1000 - skew > now;
    }

    private static boolean hasAcceptedAudience(Set<String> accepted, List<String> aud) {
        for (String a : aud) {
            if (a != null && accepted.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private static String firstString(Map<String, Object> claims, List<String> names) throws ParseException {
        for (String name : names) {
            String value = ClaimsJson.string(claims, name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static List<String> nonNull(List<String> values) {
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** The union of the configured scope claims: a space-delimited string or an array of strings each. */
    private ScopeSet scopes(JWTClaimsSet claims) {
        ScopeSet first = null;
        LinkedHashSet<Scope> union = null;
        for (String name : scopeClaims) {
            ScopeSet found = scopeClaim(claims.getClaim(name));
            if (found == null || found.isEmpty()) {
                continue;
            }
            if (first == null) {
                first = found;
            } else {
                if (union == null) {
                    union = new LinkedHashSet<>(first.scopes());
                }
                union.addAll(found.scopes());
            }
        }
        if (union != null) {
            return ScopeSet.of(union);
        }
        return first != null ? first : ScopeSet.empty();
    }

    private static ScopeSet scopeClaim(Object value) {
        if (value instanceof String) {
            return ScopeAccess.scopes().fromClaim((String) value);
        }
        if (value instanceof List) {
            List<String> strings = new ArrayList<>();
            for (Object o : (List<?>) value) {
                if (o instanceof String) {
                    strings.add((String) o);
                }
            }
            return ScopeAccess.scopes().fromValues(strings);
        }
        return null;
    }

    /** The claims as JSON values, dates back to epoch seconds, unmodifiable at every level. */
    private static Map<String, Object> frozenClaims(Map<String, Object> source, Map<String, String> names) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, source.size() * 2));
        for (Map.Entry<String, Object> e : source.entrySet()) {
            out.put(names.getOrDefault(e.getKey(), e.getKey()), freeze(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object freeze(Object value) {
        if (value instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) value;
            Map<Object, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), freeze(e.getValue()));
            }
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List) {
            List<?> list = (List<?>) value;
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(freeze(o));
            }
            return Collections.unmodifiableList(out);
        }
        return value;
    }

    private static TokenResult.Invalid invalid(TokenFailure failure, String description) {
        return new TokenResult.Invalid(failure, description);
    }
}
