package io.scopeenforcer.token;

import io.scopeenforcer.internal.UntrustedText;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An issuer (or JWKS URI) template: a literal origin ({@code scheme://host[:port]}) and a path whose segments are
 * literal, a variable ({@code {tenant}}, {@code {realm}}) or {@code *}, each standing for one whole segment of
 * {@value #SEGMENT_CHARS} other than {@code .} and {@code ..}. A token's {@code iss} matches when it is, character
 * for character, the origin followed by as many segments, each literal equal and each variable or {@code *} of
 * that charset: no prefix match, no extra or missing segment (a trailing {@code /} is a segment), no user info,
 * port change, query, fragment, percent-encoding or dot-segment. So every URL a concrete issuer leads to has the
 * template's own origin (RFC 8725 §3.10: the token must not choose where the verifier connects). Immutable and
 * thread-safe.
 */
final class IssuerTemplate {

    /** The variables an issuer template may hold: the path variables the engine binds tokens to (Enforcer). */
    static final Set<String> VARIABLES = Set.of("tenant", "realm");
    /** What a variable or {@code *} matches: RFC 3986 unreserved characters, so a value needs no encoding. */
    static final String SEGMENT_CHARS = "[A-Za-z0-9._~-]+";
    /** A literal segment: RFC 3986 pchar without percent-encoding and without the template's own {@code *}. */
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()+,;=:@-]*");
    private static final Pattern SEGMENT = Pattern.compile(SEGMENT_CHARS);
    /** A host name, IPv4 or bracketed IPv6 literal, and an optional port: nothing else (no user info). */
    private static final Pattern AUTHORITY =
            Pattern.compile("(?:[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

    private final String text;
    private final String origin;
    /** Per path segment: a literal, or null for a variable or {@code *}. */
    private final List<String> literals;
    /** Per path segment: the variable's name, or null for a literal or {@code *}. */
    private final List<String> names;
    private final Set<String> variables;

    private IssuerTemplate(String text, String origin, List<String> literals, List<String> names) {
        this.text = text;
        this.origin = origin;
        this.literals = literals;
        this.names = names;
        Set<String> vars = new LinkedHashSet<>();
        names.forEach(n -> {
            if (n != null) {
                vars.add(n);
            }
        });
        this.variables = Collections.unmodifiableSet(vars);
    }

    /**
     * Parses a template.
     *
     * @param text the template
     * @param what its setting's name, for messages
     * @param wildcards whether {@code *} may stand for a segment (an issuer template: yes; a JWKS URI template: no,
     *     it could not be filled)
     * @throws IllegalArgumentException naming {@code what} and the fault
     */
    static IssuerTemplate parse(String text, String what, boolean wildcards) {
        int schemeEnd = text.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException(what + " must be an absolute http(s) URL: " + shown(text));
        }
        int pathStart = text.indexOf('/', schemeEnd + 3);
        String authority = text.substring(schemeEnd + 3, pathStart < 0 ? text.length() : pathStart);
        if (!AUTHORITY.matcher(authority).matches()) {
            throw new IllegalArgumentException(what + ": the scheme, host and port must be literal, without user"
                    + " info: " + shown(text));
        }
        String origin = text.substring(0, schemeEnd + 3) + authority;
        try {
            if (new URI(origin + "/").getHost() == null) {
                throw new URISyntaxException(origin, "no host");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(what + ": no valid host in " + shown(text));
        }
        if (pathStart < 0) {
            throw new IllegalArgumentException(what + " has no path to hold a variable: " + shown(text));
        }
        String[] segments = text.substring(pathStart + 1).split("/", -1);
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.startsWith("{") && s.endsWith("}") && s.length() > 2) {
                String name = s.substring(1, s.length() - 1);
                if (!VARIABLES.contains(name)) {
                    throw new IllegalArgumentException(what + ": unknown variable " + shown(s)
                            + "; the policy binds {tenant} and {realm}");
                }
                if (names.contains(name)) {
                    throw new IllegalArgumentException(what + ": {" + name + "} appears twice");
                }
                literals.add(null);
                names.add(name);
            } else if (s.equals("*") && wildcards) {
                literals.add(null);
                names.add(null);
            } else if (s.equals("*")) {
                throw new IllegalArgumentException(what + ": * cannot be filled; name the segment's variable");
            } else if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0 || s.indexOf('*') >= 0) {
                throw new IllegalArgumentException(what + ": a variable" + (wildcards ? " or *" : "")
                        + " must be a whole path segment, got " + shown(s));
            } else if (s.equals(".") || s.equals("..") || !LITERAL.matcher(s).matches()
                    || s.isEmpty() && i < segments.length - 1) {
                throw new IllegalArgumentException(what + ": bad path segment " + shown(s)
                        + " (RFC 3986 characters without %, no dot-segment, no empty segment but a trailing /)");
            } else {
                literals.add(s);
                names.add(null);
            }
        }
        return new IssuerTemplate(text, origin, Collections.unmodifiableList(literals), Collections.unmodifiableList(names));
    }

    /** The template as written. */
    String text() {
        return text;
    }

    /** {@code scheme://host[:port]} as written. */
    String origin() {
        return origin;
    }

    /** The variables it holds, in order. */
    Set<String> variables() {
        return variables;
    }

    /**
     * The variables' values when {@code iss} matches, else null.
     *
     * @param iss an unverified {@code iss} claim
     */
    Map<String, String> match(String iss) {
        if (!iss.startsWith(origin) || iss.length() == origin.length() || iss.charAt(origin.length()) != '/') {
            return null;
        }
        String[] segments = iss.substring(origin.length() + 1).split("/", -1);
        if (segments.length != literals.size()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            String literal = literals.get(i);
            if (literal != null) {
                if (!literal.equals(s)) {
                    return null;
                }
            } else if (!SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
                return null;
            } else if (names.get(i) != null) {
                values.put(names.get(i), s);
            }
        }
        return values;
    }

    /**
     * This (JWKS URI) template with its variables filled in.
     *
     * @param values a value for each of {@link #variables()}, from {@link #match} (so of the segment charset)
     */
    URI fill(Map<String, String> values) {
        StringBuilder sb = new StringBuilder(origin);
        for (int i = 0; i < literals.size(); i++) {
            sb.append('/').append(literals.get(i) != null ? literals.get(i) : values.get(names.get(i)));
        }
        return URI.create(sb.toString());
    }

    /** Whether {@code uri} has this template's scheme, host and port (a default port counts as given). */
    boolean sameOrigin(URI uri) {
        URI own = URI.create(origin + "/");
        return own.getScheme().equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                && own.getHost().equalsIgnoreCase(uri.getHost()) && port(own) == port(uri)
                && uri.getRawUserInfo() == null;
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Configured text for a configuration error: the operator's own words, whole, control characters replaced. */
    private static String shown(String text) {
        return "'" + UntrustedText.sanitize(text) + "'";
    }

    @Override
    public String toString() {
        return text;
    }
}
