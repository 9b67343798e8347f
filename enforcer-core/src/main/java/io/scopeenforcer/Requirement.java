package io.scopeenforcer;

import io.scopeenforcer.internal.ScopeAccess;
import io.scopeenforcer.internal.UntrustedText;
import io.scopeenforcer.scope.Scope;
import io.scopeenforcer.scope.ScopeSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a route requires: nothing ({@code public}), any valid token ({@code authenticated}), or a scope
 * expression in disjunctive form: alternatives separated by {@code |}, each an all-of list of scopes
 * separated by spaces. Scopes may hold {@code {var}} templates filled from path variables.
 *
 * <pre>
 *   groups:update identities:read          all of both
 *   applications:read | applications:admin either one
 *   urn:opc:resource:consumer:paas:{service}::read
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Requirement {

    /** What kind of requirement this is. */
    public enum Kind {
        /** No token needed. */
        PUBLIC,
        /** Any valid token. */
        AUTHENTICATED,
        /** A valid token whose scopes satisfy the expression. */
        SCOPES
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");
    private static final Requirement PUBLIC = new Requirement(Kind.PUBLIC, List.of(), "public");
    private static final Requirement AUTHENTICATED =
            new Requirement(Kind.AUTHENTICATED, List.of(), "authenticated");

    private final Kind kind;
    private final List<List<Template>> alternatives;
    private final String text;

    private Requirement(Kind kind, List<List<Template>> alternatives, String text) {
        this.kind = kind;
        this.alternatives = alternatives;
        this.text = text;
    }

    /** No token needed. */
    public static Requirement publicAccess() {
        return PUBLIC;
    }

    /** Any valid token, whatever its scopes. */
    public static Requirement authenticated() {
        return AUTHENTICATED;
    }

    /**
     * All of these scopes (templates allowed). Each argument is one scope, never a keyword or an expression:
     * {@code allOf("public")} and {@code allOf("a|b")} are rejected rather than read as "no token needed" or
     * "either one".
     *
     * @throws IllegalArgumentException when there is no scope or an argument is not one scope (template)
     */
    public static Requirement allOf(String... scopes) {
        if (scopes.length == 0) {
            throw new IllegalArgumentException("allOf needs at least one scope");
        }
        LinkedHashSet<Template> allOf = new LinkedHashSet<>();
        for (String scope : scopes) {
            allOf.add(Template.parse(Objects.requireNonNull(scope, "scope")));
        }
        return ofAlternatives(List.of(List.copyOf(allOf)));
    }

    /**
     * Parses {@code public}, {@code authenticated} or a scope expression ({@code a b | c}). The two keywords
     * stand alone: inside an expression they are rejected, not read as scope names.
     *
     * @throws IllegalArgumentException naming the offending part: an empty alternative, a bad scope-token,
     *     a malformed URN consumer scope, a bad {@code {var}} template, a keyword inside an expression
     */
    public static Requirement parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        if (trimmed.equals("public")) {
            return PUBLIC;
        }
        if (trimmed.equals("authenticated")) {
            return AUTHENTICATED;
        }
        List<List<Template>> alternatives = new ArrayList<>();
        for (String alternative : trimmed.split("\\|", -1)) {
            String[] words = alternative.strip().split("\\s+");
            if (words.length == 1 && words[0].isEmpty()) {
                throw new IllegalArgumentException("empty alternative in requirement " + UntrustedText.quote(trimmed));
            }
            LinkedHashSet<Template> allOf = new LinkedHashSet<>();
            for (String word : words) {
                allOf.add(Template.parse(word));
            }
            alternatives.add(List.copyOf(allOf));
        }
        return ofAlternatives(alternatives);
    }

    private static Requirement ofAlternatives(List<List<Template>> alternatives) {
        StringBuilder canonical = new StringBuilder();
        for (List<Template> allOf : alternatives) {
            if (canonical.length() > 0) {
                canonical.append(" | ");
            }
            for (int i = 0; i < allOf.size(); i++) {
                canonical.append(i == 0 ? "" : " ").append(allOf.get(i).text);
            }
        }
        return new Requirement(Kind.SCOPES, List.copyOf(alternatives), canonical.toString());
    }

    /** The kind of requirement. */
    public Kind kind() {
        return kind;
    }

    /** The variable names the templates use, e.g. {@code service}. */
    public Set<String> variables() {
        Set<String> names = new LinkedHashSet<>();
        for (List<Template> allOf : alternatives) {
            for (Template template : allOf) {
                names.addAll(template.variables);
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** The alternatives as template strings, e.g. {@code [[groups:update, identities:read]]}. */
    List<List<String>> alternatives() {
        List<List<String>> out = new ArrayList<>();
        for (List<Template> allOf : alternatives) {
            List<String> texts = new ArrayList<>();
            for (Template template : allOf) {
                texts.add(template.text);
            }
            out.add(List.copyOf(texts));
        }
        return List.copyOf(out);
    }

    /**
     * Checks granted scopes against this requirement.
     *
     * @param granted the token's scopes
     * @param variables path variables for the templates
     * @param admin true on an admin rule: {@code urn:opc:resource:consumer::all} then satisfies nothing
     * @return the outcome; for a scope expression that is not met, the scopes to name in the 403 are those of
     *     the alternative with the fewest missing scopes (the first on a tie)
     */
    Outcome check(ScopeSet granted, Map<String, String> variables, boolean admin) {
        Objects.requireNonNull(granted, "granted");
        Objects.requireNonNull(variables, "variables");
        if (kind != Kind.SCOPES) {
            return Outcome.MET;
        }
        List<String> bestRequired = null;
        List<String> bestMissing = null;
        String problem = null;
        for (List<Template> allOf : alternatives) {
            List<String> required = new ArrayList<>(allOf.size());
            List<String> missing = new ArrayList<>();
            boolean filled = true;
            for (Template template : allOf) {
                Scope scope = template.fill(variables);
                if (scope == null) {
                    filled = false;
                    problem = "a path variable cannot form the scope " + UntrustedText.quote(template.text);
                    break;
                }
                required.add(scope.value());
                if (!granted.satisfies(scope, admin)) {
                    missing.add(scope.value());
                }
            }
            if (!filled) {
                continue;
            }
            if (missing.isEmpty()) {
                return Outcome.MET;
            }
            if (bestMissing == null || missing.size() < bestMissing.size()) {
                bestRequired = required;
                bestMissing = missing;
            }
        }
        if (bestRequired == null) {
            return new Outcome(false, List.of(), List.of(), problem);
        }
        return new Outcome(false, List.copyOf(bestRequired), List.copyOf(bestMissing), null);
    }

    /** The canonical text: {@code public}, {@code authenticated} or {@code a b | c}. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Requirement && ((Requirement) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /**
     * The result of {@link #check}: met, or not met with the scopes to ask for and those missing, or not
     * evaluable because a path variable cannot form a scope ({@code problem}).
     *
     * @param met true when the requirement is satisfied
     * @param required the scopes of the alternative to name in {@code WWW-Authenticate: ... scope="..."}
     * @param missing the scopes of that alternative that the token lacks
     * @param problem why no alternative could be formed from the path variables, else null
     */
    record Outcome(boolean met, List<String> required, List<String> missing, String problem) {
        static final Outcome MET = new Outcome(true, List.of(), List.of(), null);
    }

    /** One scope with optional {@code {var}} placeholders. */
    private static final class Template {
        final String text;
        final Scope constant;
        final List<String> variables;

        private Template(String text, Scope constant, List<String> variables) {
            this.text = text;
            this.constant = constant;
            this.variables = variables;
        }

        static Template parse(String text) {
            // A scope named like a keyword would print as that keyword and compare equal to it; a scope holding
            // the separator could never be written back as an expression. Both would make toString() lie.
            if (text.equals("public") || text.equals("authenticated")) {
                throw new IllegalArgumentException(
                        "'" + text + "' stands alone, it cannot be a scope in an expression");
            }
            if (text.indexOf('|') >= 0) {
                throw new IllegalArgumentException("'|' separates alternatives, it cannot be part of a scope: "
                        + UntrustedText.quote(text));
            }
            List<String> names = new ArrayList<>();
            Matcher m = VARIABLE.matcher(text);
            StringBuilder probe = new StringBuilder();
            int last = 0;
            while (m.find()) {
                names.add(m.group(1));
                probe.append(text, last, m.start()).append('x');
                last = m.end();
            }
            probe.append(text, last, text.length());
            String sample = probe.toString();
            if (sample.indexOf('{') >= 0 || sample.indexOf('}') >= 0) {
                throw new IllegalArgumentException("bad {var} template in scope " + UntrustedText.quote(text));
            }
            if (!ScopeAccess.scopes().isScopeToken(sample)) {
                throw new IllegalArgumentException("not an RFC 6749 scope-token: " + UntrustedText.quote(text));
            }
            if (!Scope.parse(sample).isRequirable()) {
                throw new IllegalArgumentException("malformed URN consumer scope: " + UntrustedText.quote(text));
            }
            Scope constant = names.isEmpty() ? Scope.parse(text) : null;
            return new Template(text, constant, List.copyOf(names));
        }

        /** The filled scope, or null when a variable is absent or cannot form one scope segment. */
        Scope fill(Map<String, String> values) {
            if (constant != null) {
                return constant;
            }
            StringBuilder out = new StringBuilder(text.length() + 16);
            Matcher m = VARIABLE.matcher(text);
            int last = 0;
            while (m.find()) {
                String value = values.get(m.group(1));
                if (!isSegment(value)) {
                    return null;
                }
                out.append(text, last, m.start()).append(value);
                last = m.end();
            }
            out.append(text, last, text.length());
            Scope scope = ScopeAccess.scopes().parseOrNull(out.toString());
            return scope == null || !scope.isRequirable() ? null : scope;
        }

        /** A variable may fill one segment only: no {@code :} (it would change the URN's shape), no space. */
        private static boolean isSegment(String value) {
            if (value == null || value.isEmpty()) {
                return false;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == ':' || c == '{' || c == '}' || !ScopeAccess.scopes().isScopeChar(c)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Template && ((Template) o).text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }
}
