package io.scopeenforcer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules compiled into one segment trie per method, so matching costs the depth of the path, not the
 * number of rules. At each segment the most specific branch is tried first (literal, then
 * {@code {var}:suffix}, then {@code {var}}, then {@code **}); the first complete match is the answer. Among
 * rules of the same shape an explicit method beats a HEAD implied by GET, which beats {@code *}; then the
 * earlier rule wins. Immutable after construction.
 */
final class RouteIndex {

    /** Rank of how a rule came to cover a method: lower wins on a tie of shape. */
    static final int EXPLICIT = 0;
    static final int IMPLIED_HEAD = 1;
    static final int ANY = 2;

    record Entry(Rule rule, int rank) {
    }

    private static final Comparator<Entry> PRECEDENCE =
            Comparator.comparingInt(Entry::rank).thenComparingInt(e -> e.rule().order());

    private static final class Node {
        final Map<String, Node> literals = new HashMap<>();
        final Map<String, Node> suffixed = new LinkedHashMap<>();
        Node variable;
        final List<Entry> terminal = new ArrayList<>();
        final List<Entry> doubleStar = new ArrayList<>();

        Node child(PathPattern.Segment segment) {
            return switch (segment.kind()) {
                case LITERAL -> literals.computeIfAbsent(segment.text(), k -> new Node());
                case SUFFIXED_VARIABLE -> suffixed.computeIfAbsent(segment.text(), k -> new Node());
                case VARIABLE -> variable == null ? (variable = new Node()) : variable;
                case DOUBLE_STAR -> throw new IllegalStateException("** has no child");
            };
        }

        void sort() {
            terminal.sort(PRECEDENCE);
            doubleStar.sort(PRECEDENCE);
            literals.values().forEach(Node::sort);
            suffixed.values().forEach(Node::sort);
            if (variable != null) {
                variable.sort();
            }
        }
    }

    private final Map<String, Node> roots = new HashMap<>();
    /** Per rule, the methods on which it lost a tie of shape to another rule. */
    private final Map<Rule, List<String>> shadowed = new LinkedHashMap<>();
    /** Rules that win on at least one method. */
    private final java.util.Set<Rule> reachable = new java.util.HashSet<>();

    RouteIndex(List<Rule> rules) {
        for (Rule rule : rules) {
            for (String method : HttpMethods.ALLOWED) {
                int rank = rankFor(rule, method);
                if (rank >= 0) {
                    insert(roots.computeIfAbsent(method, k -> new Node()), rule, rank);
                }
            }
        }
        roots.values().forEach(Node::sort);
        roots.forEach((method, root) -> collectShadowed(method, root));
    }

    private static int rankFor(Rule rule, String method) {
        if (rule.anyMethod()) {
            return ANY;
        }
        if (rule.methods().contains(method)) {
            return EXPLICIT;
        }
        if (method.equals("HEAD") && rule.methods().contains("GET")) {
            return IMPLIED_HEAD;
        }
        return -1;
    }

    private static void insert(Node root, Rule rule, int rank) {
        Node node = root;
        for (PathPattern.Segment segment : rule.pathPattern().segments()) {
            if (segment.kind() == PathPattern.Kind.DOUBLE_STAR) {
                node.doubleStar.add(new Entry(rule, rank));
                return;
            }
            node = node.child(segment);
        }
        node.terminal.add(new Entry(rule, rank));
    }

    private void collectShadowed(String method, Node node) {
        shadow(method, node.terminal);
        shadow(method, node.doubleStar);
        node.literals.values().forEach(n -> collectShadowed(method, n));
        node.suffixed.values().forEach(n -> collectShadowed(method, n));
        if (node.variable != null) {
            collectShadowed(method, node.variable);
        }
    }

    /** Records, per rule, the methods it reaches and the methods on which it loses to another rule. */
    private void shadow(String method, List<Entry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.rank() == IMPLIED_HEAD) {
                continue;
            }
            if (i == 0) {
                reachable.add(entry.rule());
            } else {
                shadowed.computeIfAbsent(entry.rule(), k -> new ArrayList<>()).add(method);
            }
        }
    }

    /** The rules that never match on any of their methods, each with those methods. */
    Map<Rule, List<String>> unreachable() {
        Map<Rule, List<String>> out = new LinkedHashMap<>(shadowed);
        out.keySet().removeAll(reachable);
        return Collections.unmodifiableMap(out);
    }

    /**
     * The most specific rule for a method and canonical, decoded segments, or null.
     *
     * @param segments the path's segments; a trailing slash gives a final empty segment
     */
    RouteMatch match(String method, List<String> segments) {
        Node root = roots.get(method);
        if (root == null) {
            return null;
        }
        String[] captured = new String[segments.size()];
        Entry entry = search(root, segments, 0, captured, 0);
        if (entry == null) {
            return null;
        }
        return new RouteMatch(entry.rule(), Arrays.copyOf(captured, entry.rule().variables().size()));
    }

    private static Entry search(Node node, List<String> segments, int i, String[] captured, int depth) {
        if (i == segments.size()) {
            if (!node.terminal.isEmpty()) {
                return node.terminal.get(0);
            }
            return node.doubleStar.isEmpty() ? null : node.doubleStar.get(0);
        }
        String segment = segments.get(i);
        Node literal = node.literals.get(segment);
        if (literal != null) {
            Entry found = search(literal, segments, i + 1, captured, depth);
            if (found != null) {
                return found;
            }
        }
        if (!node.suffixed.isEmpty()) {
            for (Map.Entry<String, Node> suffixed : node.suffixed.entrySet()) {
                String suffix = suffixed.getKey();
                int cut = segment.length() - suffix.length();
                if (cut > 0 && segment.endsWith(suffix) && segment.lastIndexOf(':', cut - 1) < 0) {
                    captured[depth] = segment.substring(0, cut);
                    Entry found = search(suffixed.getValue(), segments, i + 1, captured, depth + 1);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        // A plain {var} never takes a custom method segment (one holding ':') or an empty one.
        if (node.variable != null && !segment.isEmpty() && segment.indexOf(':') < 0) {
            captured[depth] = segment;
            Entry found = search(node.variable, segments, i + 1, captured, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return node.doubleStar.isEmpty() ? null : node.doubleStar.get(0);
    }
}
