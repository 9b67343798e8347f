package io.scopeenforcer;

import io.scopeenforcer.internal.UntrustedText;
import io.scopeenforcer.scope.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The route policy: which requirement each method and path has. Unmatched requests are denied.
 *
 * <p>File syntax, one rule per line, {@code #} starts a comment:
 * <pre>
 *   # methods   path pattern                      requirement
 *   GET         /health                           public
 *   GET,HEAD    /paas/{service}/**                urn:opc:resource:consumer:paas:{service}::read
 *   *           /admin/v1/**                      admin
 *   GET         /payments/**                      sender-constrained=dpop payments:read
 *   POST        /v1/tenants/{tenant}/realms/{realm}/groups/{id}:addMembers   groups:update identities:read
 *   include management-api
 * </pre>
 * A requirement is {@code public}, {@code authenticated}, or a scope expression (space = all of,
 * {@code |} = any of, {@code {var}} filled from the path), optionally preceded by the modifiers {@code admin} and
 * {@code sender-constrained[=required|dpop]} (only sender-constrained, or DPoP-bound, tokens on that rule; the
 * stricter of it and {@link Enforcer.Builder#senderConstraint} applies); {@code admin} alone requires
 * {@value Scope#ADMIN}. {@code include management-api} adds the built-in convention for
 * {@code /v1/tenants/...}.
 *
 * <p>Precedence: the most specific pattern wins, compared segment by segment from the left (literal, then
 * {@code {var}:suffix}, then {@code {var}}, then {@code **}); on patterns of the same shape an explicit
 * method beats a HEAD implied by GET, which beats {@code *}; then the earlier line wins and the later one
 * is reported as shadowed. Immutable and thread-safe.
 */
public final class RoutePolicy {

    /** The name that {@code include} takes for the built-in management-API convention. */
    public static final String MANAGEMENT_API = "management-api";
    /** The rule modifier that requires a sender-constrained token on that rule ({@code =dpop}: DPoP only). */
    static final String SENDER_CONSTRAINED = "sender-constrained";

    private final List<Rule> rules;
    private final List<String> warnings;
    private final RouteIndex index;

    private RoutePolicy(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.index = new RouteIndex(this.rules);
        this.warnings = List.copyOf(lint(this.rules, index));
    }

    /** A builder for a policy made in code. */
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * Parses policy text.
     *
     * @param sourceName the name used in messages, e.g. a file name
     * @throws IllegalArgumentException on the first syntax error, as {@code sourceName:line: reason}
     */
    public static RoutePolicy parse(String text, String sourceName) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sourceName, "sourceName");
        Builder builder = newBuilder();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            builder.line(lines[i], sourceName + ":" + (i + 1));
        }
        return builder.build();
    }

    /**
     * Reads and parses a UTF-8 policy file.
     *
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException on a syntax error, as {@code file:line: reason}
     */
    public static RoutePolicy load(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read policy file " + file, e);
        }
    }

    /** The rules in the order they were written (the convention's rules where it was included). */
    public List<Rule> rules() {
        return rules;
    }

    /** Lint findings that do not stop start-up: shadowed rules and PUT/PATCH gaps. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * The most specific rule for a method and canonical path segments, with its variables, or null: deny. The
     * engine matches a {@link RequestPath} instead ({@link #match(String, RequestPath)}); this form is the tests'.
     */
    RouteMatch match(String method, List<String> segments) {
        RequestPath path = RequestPath.of(segments);
        Rule rule = index.match(method, path);
        return rule == null ? null : path.match(rule);
    }

    /** The most specific rule for a method and canonical path, or null: deny; its variables captured in {@code path}. */
    Rule match(String method, RequestPath path) {
        return index.match(method, path);
    }

    private static List<String> lint(List<Rule> rules, RouteIndex index) {
        List<String> found = new ArrayList<>();
        index.unreachable().forEach((rule, methods) -> found.add(rule.source() + ": rule \"" + rule
                + "\" never matches: on " + String.join(",", methods) + " another rule of the same shape wins"));
        // PATCH and PUT both mean "update" in REST; a pattern with one but not the other is usually a slip.
        Map<String, Set<String>> methodsByShape = new java.util.LinkedHashMap<>();
        Map<String, Rule> firstByShape = new java.util.LinkedHashMap<>();
        for (Rule rule : rules) {
            if (rule.source().equals(MANAGEMENT_API)) {
                continue; // the convention follows docs/architecture.md §8.4 on purpose: tenants and realms take PATCH only
            }
            String shape = rule.pathPattern().shape();
            methodsByShape.computeIfAbsent(shape, k -> new LinkedHashSet<>()).addAll(rule.methods());
            firstByShape.putIfAbsent(shape, rule);
        }
        methodsByShape.forEach((shape, methods) -> {
            if (methods.contains("PUT") != methods.contains("PATCH")) {
                String has = methods.contains("PUT") ? "PUT" : "PATCH";
                String lacks = has.equals("PUT") ? "PATCH" : "PUT";
                found.add(firstByShape.get(shape).source() + ": " + shape + " has a rule for " + has + " but none for "
                        + lacks + " (" + lacks + " is denied)");
            }
        });
        return found;
    }

    /** Builds a policy in code; every method returns this builder. Not thread-safe; the policy is. */
    public static final class Builder {

        /** Policy-file keywords; Requirement itself refuses public and authenticated inside an expression. */
        private static final Set<String> RESERVED = Set.of("admin", "include", SENDER_CONSTRAINED);

        private final List<Rule> rules = new ArrayList<>();
        private int order;

        private Builder() {
        }

        /**
         * Adds a rule.
         *
         * @param methods comma-separated methods ({@code GET,HEAD}) or {@code *}
         * @param pattern a path pattern such as {@code /paas/{service}/**}
         * @param requirement what the route needs
         * @throws IllegalArgumentException on a bad method, pattern, or a template variable the pattern lacks
         */
        public Builder rule(String methods, String pattern, Requirement requirement) {
            return add(methods, pattern, requirement, false, "rule " + (order + 1));
        }

        /**
         * Adds an admin rule: {@code urn:opc:resource:consumer::all} never satisfies it.
         *
         * @param requirement what the route needs; null means the admin scope {@value Scope#ADMIN}
         */
        public Builder adminRule(String methods, String pattern, Requirement requirement) {
            if (requirement != null && requirement.kind() != Requirement.Kind.SCOPES) {
                throw new IllegalArgumentException("an admin rule needs scopes, not " + requirement);
            }
            return add(methods, pattern, requirement == null ? Requirement.parse(Scope.ADMIN) : requirement, true,
                    "rule " + (order + 1));
        }

        /**
         * Adds a rule whose tokens must be sender-constrained, at least as {@code constraint} says, whatever the
         * enforcer's own {@link Enforcer.Builder#senderConstraint} (the stricter applies).
         *
         * @param constraint {@link Enforcer.SenderConstraint#REQUIRED} or {@link Enforcer.SenderConstraint#DPOP}
         * @throws IllegalArgumentException as {@link #rule(String, String, Requirement)}, for a public requirement,
         *     or for {@link Enforcer.SenderConstraint#OPTIONAL}
         */
        public Builder senderConstrainedRule(String methods, String pattern, Requirement requirement,
                Enforcer.SenderConstraint constraint) {
            Objects.requireNonNull(constraint, "constraint");
            Objects.requireNonNull(requirement, "requirement");
            if (constraint == Enforcer.SenderConstraint.OPTIONAL) {
                throw new IllegalArgumentException("a sender-constrained rule needs REQUIRED or DPOP");
            }
            if (requirement.kind() == Requirement.Kind.PUBLIC) {
                throw new IllegalArgumentException("a public rule looks at no token, so it cannot be "
                        + SENDER_CONSTRAINED);
            }
            return add(methods, pattern, requirement, false, constraint, "rule " + (order + 1));
        }

        /** Adds the built-in management-API convention (docs/architecture.md §8.4) at this point. */
        public Builder includeManagementApi() {
            for (String[] rule : ManagementApiConvention.RULES) {
                add(rule[0], rule[1], Requirement.parse(rule[2]), false, MANAGEMENT_API);
            }
            return this;
        }

        /** Adds one line of policy-file syntax; blank lines and comments are ignored. For {@link #parse}. */
        Builder line(String line, String source) {
            Objects.requireNonNull(line, "line");
            Objects.requireNonNull(source, "source");
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (content.isEmpty()) {
                return this;
            }
            String[] words = content.split("\\s+", 3);
            try {
                if (words[0].equals("include")) {
                    if (words.length != 2 || !words[1].equals(MANAGEMENT_API)) {
                        throw new IllegalArgumentException("include takes one name: " + MANAGEMENT_API);
                    }
                    return includeManagementApi();
                }
                if (words.length < 3) {
                    throw new IllegalArgumentException("a rule is: METHODS PATH [MODIFIERS] REQUIREMENT");
                }
                String requirementText = words[2];
                boolean admin = false;
                Enforcer.SenderConstraint constraint = Enforcer.SenderConstraint.OPTIONAL;
                // Modifiers come first: admin, sender-constrained[=required|dpop]; the rest is the requirement.
                while (!requirementText.isEmpty()) {
                    String[] split = requirementText.split("\\s+", 2);
                    String word = split[0];
                    if (word.equals("admin")) {
                        if (admin) {
                            throw new IllegalArgumentException("admin given twice");
                        }
                        admin = true;
                    } else if (isModifier(word)) {
                        if (constraint != Enforcer.SenderConstraint.OPTIONAL) {
                            throw new IllegalArgumentException(SENDER_CONSTRAINED + " given twice");
                        }
                        constraint = senderConstraint(word);
                    } else {
                        break;
                    }
                    requirementText = split.length > 1 ? split[1] : "";
                }
                if (requirementText.isEmpty()) {
                    if (!admin) {
                        throw new IllegalArgumentException("a rule is: METHODS PATH [MODIFIERS] REQUIREMENT");
                    }
                    requirementText = Scope.ADMIN;
                }
                Requirement requirement = Requirement.parse(requirementText);
                for (String word : requirementText.split("[\\s|]+")) {
                    if (RESERVED.contains(word) || isModifier(word)) {
                        // "GET /a x:read admin" would otherwise mean a scope named "admin": never what was meant.
                        throw new IllegalArgumentException(UntrustedText.quote(word) + " is a keyword, not a scope:"
                                + " a rule is METHODS PATH [admin] [" + SENDER_CONSTRAINED + "[=dpop]] REQUIREMENT");
                    }
                }
                if (admin && requirement.kind() != Requirement.Kind.SCOPES) {
                    throw new IllegalArgumentException("an admin rule needs scopes, not " + requirement);
                }
                if (constraint != Enforcer.SenderConstraint.OPTIONAL && requirement.kind() == Requirement.Kind.PUBLIC) {
                    throw new IllegalArgumentException("a public rule looks at no token, so it cannot be "
                            + SENDER_CONSTRAINED);
                }
                return add(words[0], words[1], requirement, admin, constraint, source);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
            }
        }

        /**
         * Whether a policy-file word is a rule modifier rather than a scope: anything written {@code name=value}, and
         * a word without {@code :} that starts with {@code sender}, so that a misspelt modifier
         * ({@code sender-constraint}) fails start-up naming it instead of becoming a required scope no token holds.
         */
        private static boolean isModifier(String word) {
            return word.indexOf('=') > 0 || (word.startsWith("sender") && word.indexOf(':') < 0);
        }

        private static Enforcer.SenderConstraint senderConstraint(String word) {
            switch (word) {
                case SENDER_CONSTRAINED, SENDER_CONSTRAINED + "=required":
                    return Enforcer.SenderConstraint.REQUIRED;
                case SENDER_CONSTRAINED + "=dpop":
                    return Enforcer.SenderConstraint.DPOP;
                default:
                    break;
            }
            if (word.startsWith(SENDER_CONSTRAINED + "=")) {
                throw new IllegalArgumentException(SENDER_CONSTRAINED + " takes required or dpop, not "
                        + UntrustedText.quote(word.substring(SENDER_CONSTRAINED.length() + 1)));
            }
            throw new IllegalArgumentException("unknown rule modifier " + UntrustedText.quote(word)
                    + " (modifiers: admin, " + SENDER_CONSTRAINED + ", " + SENDER_CONSTRAINED + "=dpop)");
        }

        private Builder add(String methods, String pattern, Requirement requirement, boolean admin, String source) {
            return add(methods, pattern, requirement, admin, Enforcer.SenderConstraint.OPTIONAL, source);
        }

        private Builder add(String methods, String pattern, Requirement requirement, boolean admin,
                Enforcer.SenderConstraint senderConstraint, String source) {
            Objects.requireNonNull(methods, "methods");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(requirement, "requirement");
            PathPattern path = PathPattern.parse(pattern);
            for (String variable : requirement.variables()) {
                if (!path.variableNames().contains(variable)) {
                    throw new IllegalArgumentException("requirement uses {" + variable + "} but the path has no such"
                            + " variable");
                }
            }
            boolean any = methods.equals("*");
            Set<String> set = new LinkedHashSet<>();
            if (any) {
                set.addAll(HttpMethods.ALLOWED);
            } else {
                for (String method : methods.split(",", -1)) {
                    if (!HttpMethods.isAllowed(method)) {
                        throw new IllegalArgumentException("unknown method " + UntrustedText.quote(method)
                                + " (one of " + HttpMethods.ALLOW_HEADER + ", or *)");
                    }
                    set.add(method);
                }
            }
            rules.add(new Rule(set, any, path, requirement, admin, senderConstraint, source, order++));
            return this;
        }

        /** The policy; an empty policy denies everything. */
        public RoutePolicy build() {
            return new RoutePolicy(rules);
        }
    }

    /** The scopes the rules name without a path variable, sorted and once each. */
    List<String> fixedScopes() {
        java.util.TreeSet<String> scopes = new java.util.TreeSet<>();
        for (Rule rule : rules()) {
            if (rule.requirement().kind() != Requirement.Kind.SCOPES) {
                continue;
            }
            for (List<String> alternative : rule.requirement().alternatives()) {
                for (String scope : alternative) {
                    if (scope.indexOf('{') < 0) {
                        scopes.add(scope);
                    }
                }
            }
        }
        return List.copyOf(scopes);
    }
}
