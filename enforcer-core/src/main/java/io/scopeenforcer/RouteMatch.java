package io.scopeenforcer;

import java.util.Map;

/** A rule chosen for a request, with the decoded path variables it captured. */
record RouteMatch(Rule rule, Map<String, String> variables) {
}
