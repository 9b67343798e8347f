package io.scopeenforcer;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule chosen for a request, with the decoded values of its path variables. The values are kept as an array
 * in the order of {@link Rule#variables()}, and the name-to-value map is made only when asked for: a request
 * answered from the decision cache never needs it. Not shared between threads (one per request).
 *
 * <p>Equal, as a decision-cache key, to another match of the same rule with the same values: everything a
 * decision depends on besides the token. The key kept in the cache is a fresh copy ({@link #asKey()}), so it holds
 * no variables map.
 */
final class RouteMatch {

    private final Rule rule;
    private final String[] values;
    private Map<String, String> variables;

    /** @param values one per variable of the rule, in its order; not copied */
    RouteMatch(Rule rule, String[] values) {
        this.rule = rule;
        this.values = values;
    }

    Rule rule() {
        return rule;
    }

    /** The decoded path variables by name, unmodifiable. */
    Map<String, String> variables() {
        if (variables == null) {
            List<String> names = rule.variables();
            if (names.isEmpty()) {
                variables = Map.of();
            } else {
                Map<String, String> map = new HashMap<>(names.size() * 2);
                for (int i = 0; i < names.size(); i++) {
                    map.put(names.get(i), values[i]);
                }
                variables = Collections.unmodifiableMap(map);
            }
        }
        return variables;
    }

    /** The variables' values in the order of {@link Rule#variables()}; the caller must not modify it. */
    String[] values() {
        return values;
    }

    /** This match as a key to keep: the same rule and values, without the variables map. */
    RouteMatch asKey() {
        return new RouteMatch(rule, values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteMatch other && other.rule == rule && Arrays.equals(other.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * System.identityHashCode(rule) + Arrays.hashCode(values);
    }
}
