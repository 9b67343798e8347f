package io.scopeenforcer.example.api;

import io.scopeenforcer.example.api.Http.Problem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST verbs every demo collection shares: list and create on a collection, read, replace, merge and
 * delete on an item. JSON in and out, 201 with {@code Location} on create, 404 for an unknown id.
 */
final class Crud {

    static final String COLLECTION_METHODS = "GET, HEAD, POST";
    static final String ITEM_METHODS = "GET, HEAD, PUT, PATCH, DELETE";

    private Crud() {
    }

    /** GET lists the collection; POST adds an item with a fresh {@code <idPrefix>-<n>} id. */
    static void collection(HttpServletRequest request, HttpServletResponse response, JsonStore store,
                           String collection, String idPrefix) throws IOException, Problem {
        switch (request.getMethod()) {
            case "GET", "HEAD" -> list(response, store.list(collection));
            case "POST" -> {
                Map<String, Object> fields = Http.readObject(request);
                Principal caller = request.getUserPrincipal();
                if (caller != null) {
                    // The filter's principal is the token's subject: the demo records who made what.
                    fields.put("createdBy", caller.getName());
                }
                created(request, response, store.create(collection, idPrefix, fields));
            }
            default -> throw notAllowed(response, COLLECTION_METHODS);
        }
    }

    /** GET reads, PUT replaces, PATCH merges (a null value removes the member), DELETE removes the item. */
    static void item(HttpServletRequest request, HttpServletResponse response, JsonStore store, String collection,
                     String id) throws IOException, Problem {
        switch (request.getMethod()) {
            case "GET", "HEAD" -> Http.writeJson(response, 200,
                    store.get(collection, id).orElseThrow(() -> noSuchItem(collection)));
            case "PUT" -> {
                Map<String, Object> fields = Http.readObject(request);
                checkId(fields, id);
                Http.writeJson(response, 200, store.update(collection, id, old -> fields)
                        .orElseThrow(() -> noSuchItem(collection)));
            }
            case "PATCH" -> {
                Map<String, Object> fields = Http.readObject(request);
                checkId(fields, id);
                Http.writeJson(response, 200, store.update(collection, id, old -> merge(old, fields))
                        .orElseThrow(() -> noSuchItem(collection)));
            }
            case "DELETE" -> {
                if (!store.delete(collection, id)) {
                    throw noSuchItem(collection);
                }
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            }
            default -> throw notAllowed(response, ITEM_METHODS);
        }
    }

    static void list(HttpServletResponse response, List<Map<String, Object>> items) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("count", items.size());
        Http.writeJson(response, 200, body);
    }

    static void created(HttpServletRequest request, HttpServletResponse response, Map<String, Object> item)
            throws IOException {
        response.setHeader("Location", request.getRequestURL() + "/" + item.get("id"));
        Http.writeJson(response, HttpServletResponse.SC_CREATED, item);
    }

    /** RFC 9110 §15.5.6: a 405 names the methods the resource does support. */
    static Problem notAllowed(HttpServletResponse response, String allow) {
        response.setHeader("Allow", allow);
        return Http.methodNotAllowed("this resource supports " + allow);
    }

    /** "no such applications item": the collection's last segment, never the id the client sent. */
    static Problem noSuchItem(String collection) {
        return Http.notFound("no such " + collection.substring(collection.lastIndexOf('/') + 1) + " item");
    }

    private static Map<String, Object> merge(Map<String, Object> old, Map<String, Object> patch) {
        Map<String, Object> merged = new LinkedHashMap<>(old);
        patch.forEach((k, v) -> {
            if (v == null) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        return merged;
    }

    private static void checkId(Map<String, Object> fields, String id) throws Problem {
        Object given = fields.get("id");
        if (given != null && !given.equals(id)) {
            throw Http.badRequest("the id of an item cannot change");
        }
    }
}
