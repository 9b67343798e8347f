package io.scopeenforcer;

import java.util.ArrayList;
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
        /** While building; {@link #freeze()} turns it into {@link #table}. */
        final Map<String, Node> literals = new HashMap<>();
        /** The literal children, open addressing by {@code String.hashCode}: looked up by a region of the path. */
        private String[] keys = new String[0];
        private Node[] children = new Node[0];
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

        /** Sorts the entries by precedence and builds the literal table; the node is read-only afterwards. */
        void freeze() {
            terminal.sort(PRECEDENCE);
            doubleStar.sort(PRECEDENCE);
            literals.values().forEach(Node::freeze);
            suffixed.values().forEach(Node::freeze);
            if (variable != null) {
                variable.freeze();
            }
            if (!literals.isEmpty()) {
                int size = Integer.highestOneBit(literals.size() * 2 - 1) << 1; // at most half full
                keys = new String[size];
                children = new Node[size];
                literals.forEach((key, child) -> {
                    int slot = key.hashCode() & (size - 1);
                    while (keys[slot] != null) {
                        slot = (slot + 1) & (size - 1);
                    }
                    keys[slot] = key;
                    children[slot] = child;
                });
            }
        }

        /** The literal child named by segment {@code i} of {@code path}, or null. */
        Node literal(RequestPath path, int i) {
            if (keys.length == 0) {
                return null;
            }
            int start = path.start(i);
            int length = path.end(i) - start;
            int mask = keys.length - 1;
            for (int slot = path.hash(i) & mask; ; slot = (slot + 1) & mask) {
                String key = keys[slot];
                if (key == null) {
                    return null;
                }
                if (key.length() == length && path.path().regionMatches(start, key, 0, length)) {
                    return children[slot];
                }
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
        roots.values().forEach(Node::freeze);
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
     * The most specific rule for a method and a canonical path, or null; the rule's variables are then captured in
     * {@code path}. Builds no strings.
     */
    Rule match(String method, RequestPath path) {
        Node root = roots.get(method);
        if (root == null) {
            return null;
        }
        Entry entry = search(root, path, 0, 0);
        return entry == null ? null : entry.rule();
    }

    private static Entry search(Node node, RequestPath path, int i, int depth) {
        if (i == path.count()) {
            if (!node.terminal.isEmpty()) {
                return node.terminal.get(0);
            }
            return node.doubleStar.isEmpty() ? null : node.doubleStar.get(0);
        }
        int start = path.start(i);
        int end = path.end(i);
        Node literal = node.literal(path, i);
        if (literal != null) {
            Entry found = search(literal, path, i + 1, depth);
            if (found != null) {
                return found;
            }
        }
        int colon = path.colon(i);
        if (!node.suffixed.isEmpty()) {
            String text = path.path();
            for (Map.Entry<String, Node> suffixed : node.suffixed.entrySet()) {
                String suffix = suffixed.getKey();
                int cut = end - suffix.length();
                // The value before the suffix is not empty and holds no ':' of its own.
                if (cut > start && (colon < 0 || colon >= cut) && text.regionMatches(cut, suffix, 0, suffix.length())) {
                    path.capture(depth, start, cut);
                    Entry found = search(suffixed.getValue(), path, i + 1, depth + 1);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        // A plain {var} never takes a custom method segment (one holding ':') or an empty one.
        if (node.variable != null && end > start && colon < 0) {
            path.captureSegment(depth, i);
            Entry found = search(node.variable, path, i + 1, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return node.doubleStar.isEmpty() ? null : node.doubleStar.get(0);
    }
}
