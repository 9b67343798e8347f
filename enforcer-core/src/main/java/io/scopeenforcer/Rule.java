package io.scopeenforcer;

import io.scopeenforcer.scope.Scope;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One route rule: methods, a path pattern and a requirement, optionally marked admin or sender-constrained. Rules are made by
 * {@link RoutePolicy}; a matched rule is reported in {@link Decision.Allow} and in audit lines.
 * Immutable and thread-safe.
 */
public final class Rule {

    private final Set<String> methods;
    private final boolean anyMethod;
    private final PathPattern pattern;
    private final Requirement requirement;
    private final boolean admin;
    private final Enforcer.SenderConstraint senderConstraint;
    private final String source;
    private final int order;

    Rule(Set<String> methods, boolean anyMethod, PathPattern pattern, Requirement requirement, boolean admin,
            Enforcer.SenderConstraint senderConstraint, String source, int order) {
        this.methods = Set.copyOf(methods);
        this.anyMethod = anyMethod;
        this.pattern = Objects.requireNonNull(pattern);
        this.requirement = Objects.requireNonNull(requirement);
        this.admin = admin;
        this.senderConstraint = Objects.requireNonNull(senderConstraint);
        this.source = Objects.requireNonNull(source);
        this.order = order;
    }

    /** The methods this rule names; all accepted methods for {@code *}. */
    public Set<String> methods() {
        return methods;
    }

    /** True for a rule written with {@code *} as its method. */
    boolean anyMethod() {
        return anyMethod;
    }

    /** The path pattern as written, e.g. {@code /paas/{service}/**}. */
    public String pattern() {
        return pattern.text();
    }

    /** The requirement; for an admin rule written without one, the admin scope. */
    public Requirement requirement() {
        return requirement;
    }

    /** True for an admin rule, which {@code urn:opc:resource:consumer::all} never satisfies. */
    public boolean admin() {
        return admin;
    }

    /**
     * Which tokens this rule itself requires to be sender-constrained (the policy's {@code sender-constrained}
     * modifier); {@link Enforcer.SenderConstraint#OPTIONAL} when it adds nothing to the enforcer's setting.
     */
    public Enforcer.SenderConstraint senderConstraint() {
        return senderConstraint;
    }

    /** Where the rule comes from, e.g. {@code policy.txt:12} or {@code management-api}. */
    public String source() {
        return source;
    }

    /** The path variables the pattern captures, in order. */
    List<String> variables() {
        return pattern.variableNames();
    }

    /** True when the pattern binds the request to the token's tenant (it has a {@code {tenant}} variable). */
    boolean tenantBound() {
        return pattern.variableNames().contains("tenant");
    }

    /** True when the pattern binds the request to the token's realm (it has a {@code {realm}} variable). */
    boolean realmBound() {
        return pattern.variableNames().contains("realm");
    }

    PathPattern pathPattern() {
        return pattern;
    }

    int order() {
        return order;
    }

    /** The rule in policy-file syntax, e.g. {@code GET,HEAD /paas/{service}/** urn:...::read}. */
    @Override
    public String toString() {
        String methodText = anyMethod ? "*" : String.join(",", HttpMethods.ALLOWED.stream()
                .filter(methods::contains).toList());
        String req = switch (senderConstraint) {
            case OPTIONAL -> "";
            case REQUIRED -> RoutePolicy.SENDER_CONSTRAINED + " ";
            case DPOP -> RoutePolicy.SENDER_CONSTRAINED + "=dpop ";
        };
        if (!admin) {
            req += requirement.toString();
        } else if (requirement.toString().equals(Scope.ADMIN)) {
            req += "admin";
        } else {
            req += "admin " + requirement;
        }
        return methodText + " " + pattern.text() + " " + req;
    }
}
