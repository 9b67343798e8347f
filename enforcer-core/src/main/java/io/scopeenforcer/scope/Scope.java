package io.scopeenforcer.scope;

import io.scopeenforcer.internal.UntrustedText;
import java.util.Objects;

/**
 * One OAuth 2.0 scope value, classified once into its family (docs/architecture.md §5).
 *
 * <ul>
 *   <li>URN consumer scopes ({@code urn:opc:resource:consumer[:seg]*::qualifier}) match hierarchically:
 *       a granted scope satisfies a required one when its path is a segment-wise prefix of the required
 *       path and its qualifier is equal or {@code all}.</li>
 *   <li>A value that starts with {@code urn:opc:resource:consumer} but is not well formed (empty segment,
 *       missing qualifier, {@code :::}) is {@linkplain Kind#MALFORMED_CONSUMER_URN malformed}: it grants
 *       nothing and can never be required.</li>
 *   <li>Everything else ({@code applications:read}, {@code openid}, the admin scope) matches exactly.</li>
 *   <li>{@code offline_access} grants nothing at a resource server.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; equality is the exact, case-sensitive value.
 */
public final class Scope implements Comparable<Scope> {

    /** The prefix of every URN consumer scope. */
    public static final String CONSUMER_PREFIX = "urn:opc:resource:consumer";
    /** The account-wide scope: satisfies every URN consumer scope, nothing else, and never an admin rule. */
    public static final String CONSUMER_ALL = "urn:opc:resource:consumer::all";
    /** The scope that admin rules require by default. */
    public static final String ADMIN = "urn:opc:idm:__myscopes__";
    /** Asks the issuer for a refresh token; grants nothing at a resource server. */
    public static final String OFFLINE_ACCESS = "offline_access";

    private static final String ALL_QUALIFIER = "all";
    private static final String[] NO_SEGMENTS = new String[0];

    /** The family a scope value belongs to. */
    public enum Kind {
        /** {@code <resource>:<action>}, e.g. {@code applications:read}; matched exactly. */
        RESOURCE_ACTION,
        /** A well-formed URN consumer scope; matched hierarchically. */
        CONSUMER_URN,
        /** Starts like a URN consumer scope but is not well formed; grants nothing, never required. */
        MALFORMED_CONSUMER_URN,
        /** Any other scope ({@code openid}, the admin scope...); matched exactly. */
        OTHER
    }

    private final String value;
    private final Kind kind;
    private final String[] path;
    private final String qualifier;

    private Scope(String value, Kind kind, String[] path, String qualifier) {
        this.value = value;
        this.kind = kind;
        this.path = path;
        this.qualifier = qualifier;
    }

    /**
     * Parses one scope token.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is empty or has a character outside the RFC 6749 §3.3
     *     scope-token set ({@code %x21 / %x23-5B / %x5D-7E}: printable ASCII but space, {@code "} and {@code \})
     */
    public static Scope parse(String value) {
        Objects.requireNonNull(value, "value");
        if (!isScopeToken(value)) {
            throw new IllegalArgumentException("not an RFC 6749 scope-token: " + UntrustedText.quote(value));
        }
        return classify(value);
    }

    /** Returns the scope, or null when {@code value} is not an RFC 6749 scope-token. */
    static Scope parseOrNull(String value) {
        return isScopeToken(value) ? classify(value) : null;
    }

    /** True when {@code s} is a non-empty RFC 6749 §3.3 scope-token. */
    static boolean isScopeToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isScopeChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isScopeChar(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
    }

    private static Scope classify(String value) {
        if (value.startsWith(CONSUMER_PREFIX)) {
            return parseConsumer(value);
        }
        int colon = value.indexOf(':');
        boolean resourceAction = !value.startsWith("urn:") && colon > 0 && colon < value.length() - 1;
        return new Scope(value, resourceAction ? Kind.RESOURCE_ACTION : Kind.OTHER, NO_SEGMENTS, null);
    }

    /** {@code urn:opc:resource:consumer} + {@code (:seg)*} + {@code ::} + qualifier; anything else is malformed. */
    private static Scope parseConsumer(String value) {
        String rest = value.substring(CONSUMER_PREFIX.length());
        int sep = rest.indexOf("::");
        if (!rest.startsWith(":") || sep < 0) {
            return malformed(value);
        }
        String qualifier = rest.substring(sep + 2);
        if (qualifier.isEmpty() || qualifier.indexOf(':') >= 0) {
            return malformed(value);
        }
        String pathPart = rest.substring(0, sep);
        String[] segments = pathPart.isEmpty() ? NO_SEGMENTS : pathPart.substring(1).split(":", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return malformed(value);
            }
        }
        return new Scope(value, Kind.CONSUMER_URN, segments, qualifier);
    }

    private static Scope malformed(String value) {
        return new Scope(value, Kind.MALFORMED_CONSUMER_URN, NO_SEGMENTS, null);
    }

    /** The exact scope value. */
    public String value() {
        return value;
    }

    /** The family of this scope. */
    public Kind kind() {
        return kind;
    }

    /** True for a well-formed URN consumer scope. */
    public boolean isConsumerUrn() {
        return kind == Kind.CONSUMER_URN;
    }

    /** True for {@code urn:opc:resource:consumer::all}. */
    public boolean isConsumerAll() {
        return kind == Kind.CONSUMER_URN && path.length == 0 && ALL_QUALIFIER.equals(qualifier);
    }

    /** False for malformed URN consumer scopes and for {@code offline_access}: they never grant access. */
    public boolean grantsAnything() {
        return kind != Kind.MALFORMED_CONSUMER_URN && !OFFLINE_ACCESS.equals(value);
    }

    /** False for malformed URN consumer scopes, which can never be required. */
    public boolean isRequirable() {
        return kind != Kind.MALFORMED_CONSUMER_URN;
    }

    /**
     * True when this scope, granted to a client, satisfies {@code required} (docs/architecture.md §5): exact equality,
     * or for URN consumer scopes a segment-wise path prefix with an equal or {@code all} qualifier.
     * Admin rules additionally refuse {@code consumer::all}; that is the caller's concern
     * ({@link ScopeSet#satisfies(Scope, boolean)}).
     */
    public boolean satisfies(Scope required) {
        Objects.requireNonNull(required, "required");
        if (!grantsAnything() || !required.isRequirable()) {
            return false;
        }
        if (kind == Kind.CONSUMER_URN || required.kind == Kind.CONSUMER_URN) {
            return kind == required.kind && consumerCovers(required);
        }
        return value.equals(required.value);
    }

    private boolean consumerCovers(Scope required) {
        if (path.length > required.path.length) {
            return false;
        }
        for (int i = 0; i < path.length; i++) {
            if (!path[i].equals(required.path[i])) {
                return false;
            }
        }
        return qualifier.equals(required.qualifier) || ALL_QUALIFIER.equals(qualifier);
    }

    /** Path segments of a URN consumer scope ({@code paas}, {@code analytics}); empty for other kinds. */
    String[] segments() {
        return path.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scope && ((Scope) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public int compareTo(Scope o) {
        return value.compareTo(o.value);
    }

    /** The exact scope value. */
    @Override
    public String toString() {
        return value;
    }
}
