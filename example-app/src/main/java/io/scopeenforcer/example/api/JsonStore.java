package io.scopeenforcer.example.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The demo APIs' data: JSON objects in named collections ({@code tenants/acme/realms/prod/applications}), each
 * object with a string {@code id}. Items are copied in and out, so a caller never holds a live object.
 *
 * <p>Thread-safe: every method holds the store's lock, which is plenty for a demo and keeps a delete of a
 * parent and its nested collections atomic.
 */
final class JsonStore {

    private final Map<String, Map<String, Map<String, Object>>> collections = new LinkedHashMap<>();
    private long nextId = 1;

    /** The items of a collection in creation order; empty for a collection never written. */
    synchronized List<Map<String, Object>> list(String collection) {
        List<Map<String, Object>> items = new ArrayList<>();
        collections.getOrDefault(collection, Map.of()).values().forEach(item -> items.add(copy(item)));
        return items;
    }

    synchronized Optional<Map<String, Object>> get(String collection, String id) {
        Map<String, Object> item = collections.getOrDefault(collection, Map.of()).get(id);
        return Optional.ofNullable(item).map(JsonStore::copy);
    }

    /** Adds an item under a fresh id {@code <prefix>-<n>} and returns it. */
    synchronized Map<String, Object> create(String collection, String idPrefix, Map<String, Object> fields) {
        String id = idPrefix + "-" + nextId++;
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", id);
        fields.forEach((k, v) -> {
            if (!k.equals("id")) {
                item.put(k, v);
            }
        });
        collections.computeIfAbsent(collection, k -> new LinkedHashMap<>()).put(id, item);
        return copy(item);
    }

    /** Adds an item under a chosen id (tenants and realms are named, not numbered); empty when it exists. */
    synchronized Optional<Map<String, Object>> createNamed(String collection, String id, Map<String, Object> fields) {
        Map<String, Map<String, Object>> items = collections.computeIfAbsent(collection, k -> new LinkedHashMap<>());
        if (items.containsKey(id)) {
            return Optional.empty();
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", id);
        fields.forEach((k, v) -> {
            if (!k.equals("id")) {
                item.put(k, v);
            }
        });
        items.put(id, item);
        return Optional.of(copy(item));
    }

    /**
     * Replaces an item with what {@code change} makes of a copy of it; the id cannot change.
     *
     * @return the new item, or empty when there is no such item
     */
    synchronized Optional<Map<String, Object>> update(String collection, String id,
                                                      UnaryOperator<Map<String, Object>> change) {
        Map<String, Map<String, Object>> items = collections.get(collection);
        if (items == null || !items.containsKey(id)) {
            return Optional.empty();
        }
        Map<String, Object> updated = new LinkedHashMap<>(change.apply(copy(items.get(id))));
        updated.put("id", id);
        items.put(id, updated);
        return Optional.of(copy(updated));
    }

    /** Removes an item and every collection nested under it; false when there was no such item. */
    synchronized boolean delete(String collection, String id) {
        Map<String, Map<String, Object>> items = collections.get(collection);
        if (items == null || items.remove(id) == null) {
            return false;
        }
        String nested = collection + "/" + id + "/";
        collections.keySet().removeIf(name -> name.startsWith(nested));
        return true;
    }

    /** One level deep is enough: nested values are never changed in place, only lists are replaced. */
    private static Map<String, Object> copy(Map<String, Object> item) {
        Map<String, Object> out = new LinkedHashMap<>();
        item.forEach((k, v) -> out.put(k, v instanceof List<?> list ? new ArrayList<>(list) : v));
        return out;
    }
}
