package io.scopeenforcer.scope;

/** The abbreviation that keeps the scope tables readable: {@code C:} for {@code urn:opc:resource:consumer:}. */
final class ScopeShorthand {

    private ScopeShorthand() {
    }

    /** {@code s} with a leading {@code C:} replaced by {@code urn:opc:resource:consumer:}. */
    static String expand(String s) {
        return s.startsWith("C:") ? Scope.CONSUMER_PREFIX + ":" + s.substring(2) : s;
    }
}
