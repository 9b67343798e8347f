package io.scopeenforcer.scope;

import io.scopeenforcer.internal.ScopeAccess;
import io.scopeenforcer.internal.UntrustedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable set of scopes, as granted by a token or allowed to a client, with the matching of docs/architecture.md §5.
 * Duplicates collapse; iteration keeps first-seen order. Thread-safe.
 */
public final class ScopeSet {

    private static final ScopeSet EMPTY = new ScopeSet(new LinkedHashMap<>());

    static {
        ScopeAccess.install(new ScopeAccess.Door() {
            @Override
            public ScopeSet fromClaim(String spaceDelimited) {
                return ScopeSet.fromClaim(spaceDelimited);
            }

            @Override
            public ScopeSet fromValues(Collection<String> values) {
                return ScopeSet.fromValues(values);
            }

            @Override
            public Scope parseOrNull(String value) {
                return Scope.parseOrNull(value);
            }

            @Override
            public boolean isScopeToken(String value) {
                return Scope.isScopeToken(value);
            }

            @Override
            public boolean isScopeChar(char c) {
                return Scope.isScopeChar(c);
            }
        });
    }

    private final Map<String, Scope> byValue;
    /** Exact-match grants (everything but URN consumer scopes and scopes that grant nothing). */
    private final Set<String> exact;
    /** URN consumer grants, checked hierarchically. */
    private final List<Scope> consumer;

    private ScopeSet(LinkedHashMap<String, Scope> byValue) {
        this.byValue = Collections.unmodifiableMap(byValue);
        Set<String> exactGrants = new HashSet<>();
        List<Scope> consumerGrants = new ArrayList<>();
        for (Scope scope : byValue.values()) {
            if (!scope.grantsAnything()) {
                continue;
            }
            if (scope.isConsumerUrn()) {
                consumerGrants.add(scope);
            } else {
                exactGrants.add(scope.value());
            }
        }
        this.exact = Set.copyOf(exactGrants);
        this.consumer = List.copyOf(consumerGrants);
    }

    /** The empty set. */
    public static ScopeSet empty() {
        return EMPTY;
    }

    /**
     * Parses a space-delimited scope string strictly (RFC 6749 §3.3): tokens separated by single spaces,
     * each a scope-token. Only the empty string gives the empty set; a blank-only string is rejected like any
     * other stray space.
     *
     * @throws IllegalArgumentException naming a short fragment of the first bad token, or on a leading,
     *     trailing or doubled space (including a blank-only string)
     */
    public static ScopeSet parse(String spaceDelimited) {
        Objects.requireNonNull(spaceDelimited, "spaceDelimited");
        if (spaceDelimited.isEmpty()) {
            return EMPTY;
        }
        LinkedHashMap<String, Scope> scopes = new LinkedHashMap<>();
        for (String token : spaceDelimited.split(" ", -1)) {
            if (token.isEmpty()) {
                throw new IllegalArgumentException("scope list has a leading, trailing or doubled space");
            }
            Scope scope = Scope.parseOrNull(token);
            if (scope == null) {
                throw new IllegalArgumentException("not an RFC 6749 scope-token: " + UntrustedText.quote(token));
            }
            scopes.putIfAbsent(token, scope);
        }
        return new ScopeSet(scopes);
    }

    /**
     * Reads a token's space-delimited {@code scope} claim leniently: any run of spaces separates, and a value
     * that is not a scope-token is dropped (it grants nothing) rather than failing the whole token.
     */
    static ScopeSet fromClaim(String spaceDelimited) {
        Objects.requireNonNull(spaceDelimited, "spaceDelimited");
        return fromValues(Arrays.asList(spaceDelimited.split(" ")));
    }

    /**
     * Reads a token's {@code scp} array (or any collection of values) leniently: a value that is not a single
     * scope-token is dropped.
     */
    static ScopeSet fromValues(Collection<String> values) {
        Objects.requireNonNull(values, "values");
        LinkedHashMap<String, Scope> scopes = new LinkedHashMap<>();
        for (String value : values) {
            Scope scope = value == null ? null : Scope.parseOrNull(value);
            if (scope != null) {
                scopes.putIfAbsent(value, scope);
            }
        }
        return scopes.isEmpty() ? EMPTY : new ScopeSet(scopes);
    }

    /** A set of already-parsed scopes. */
    public static ScopeSet of(Collection<Scope> scopes) {
        LinkedHashMap<String, Scope> map = new LinkedHashMap<>();
        for (Scope scope : scopes) {
            map.putIfAbsent(Objects.requireNonNull(scope, "scope").value(), scope);
        }
        return map.isEmpty() ? EMPTY : new ScopeSet(map);
    }

    /**
     * True when some scope of this set satisfies {@code required} (see {@link Scope#satisfies(Scope)}).
     *
     * @param admin true for an admin rule, which {@code urn:opc:resource:consumer::all} never satisfies
     */
    public boolean satisfies(Scope required, boolean admin) {
        Objects.requireNonNull(required, "required");
        if (!required.isRequirable()) {
            return false;
        }
        if (!required.isConsumerUrn()) {
            return exact.contains(required.value());
        }
        for (Scope granted : consumer) {
            if (admin && granted.isConsumerAll()) {
                continue;
            }
            if (granted.satisfies(required)) {
                return true;
            }
        }
        return false;
    }

    /** True when this set holds exactly this value (no hierarchy), e.g. for {@code isUserInRole}. */
    public boolean contains(String value) {
        return byValue.containsKey(value);
    }

    /** The scopes, in first-seen order. */
    public Collection<Scope> scopes() {
        return byValue.values();
    }

    /** The scope values, in first-seen order. */
    public Set<String> values() {
        return byValue.keySet();
    }

    /** Number of distinct scopes. */
    public int size() {
        return byValue.size();
    }

    /** True when there is no scope. */
    public boolean isEmpty() {
        return byValue.isEmpty();
    }

    /** The scopes joined by single spaces, as in a {@code scope} claim or response. */
    public String toSpaceDelimited() {
        return String.join(" ", byValue.keySet());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScopeSet && ((ScopeSet) o).byValue.keySet().equals(byValue.keySet());
    }

    @Override
    public int hashCode() {
        return byValue.keySet().hashCode();
    }

    /** The space-delimited form. */
    @Override
    public String toString() {
        return toSpaceDelimited();
    }
}
