package io.scopeenforcer.example.api;

import io.scopeenforcer.example.api.Http.Problem;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The demo management API under {@code /v1} (docs/architecture.md §8.4, §12): tenants, their realms, and per realm the
 * collections {@code applications}, {@code groups}, {@code identities} (with {@code credentials}) and
 * {@code resource-servers} (with {@code roles}), plus the group custom methods {@code :addMembers},
 * {@code :deleteMembers} and {@code :listMembers}. Every list is the path's tenant and realm only, since each
 * realm's collections are stored apart.
 *
 * <p>Authorization is not here: the filter has checked the scope and the token's tenant and realm before a
 * request arrives. Public only because {@code web.xml} names it. Thread-safe.
 */
public final class ManagementApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Collections of a realm, and the id prefix of their items. */
    private static final Map<String, String> RESOURCES = Map.of(
            "applications", "app", "groups", "grp", "identities", "idn", "resource-servers", "rs");
    /** Collections nested in an item of a realm collection. */
    private static final Map<String, String> NESTED = Map.of("identities", "credentials", "resource-servers", "roles");
    private static final Map<String, String> NESTED_PREFIX = Map.of("credentials", "cred", "roles", "role");
    private static final Set<String> MEMBER_METHODS = Set.of("addMembers", "deleteMembers", "listMembers");
    private static final Pattern REALM_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private final transient JsonStore store = new JsonStore();

    /** Seeds {@code acme} (realms {@code prod}, {@code dev}) and {@code globex} (realm {@code main}). */
    @Override
    public void init() {
        DemoData.seedManagementApi(store);
    }

    /** Routes {@code /v1/tenants/...} by its shape; anything else is 404. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            route(request, response, segments(request.getPathInfo()));
        } catch (Problem problem) {
            Http.writeProblem(response, problem);
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response, List<String> s)
            throws IOException, Problem {
        if (s.size() < 2 || !s.get(0).equals("tenants")) {
            throw Http.notFound("no such resource");
        }
        String tenant = s.get(1);
        requireItem("tenants", tenant, "tenant");
        if (s.size() == 2) {
            limitMethods(request, response, "GET, HEAD, PATCH");
            Crud.item(request, response, store, "tenants", tenant);
            return;
        }
        if (!s.get(2).equals("realms")) {
            throw Http.notFound("no such resource");
        }
        String realms = "tenants/" + tenant + "/realms";
        if (s.size() == 3) {
            if (request.getMethod().equals("POST")) {
                createRealm(request, response, realms);
            } else {
                Crud.collection(request, response, store, realms, "realm");
            }
            return;
        }
        String realm = s.get(3);
        requireItem(realms, realm, "realm");
        if (s.size() == 4) {
            limitMethods(request, response, "GET, HEAD, PATCH, DELETE");
            Crud.item(request, response, store, realms, realm);
            return;
        }
        String resource = s.get(4);
        if (!RESOURCES.containsKey(resource)) {
            throw Http.notFound("no such collection; a realm has applications, groups, identities, resource-servers");
        }
        String collection = realms + "/" + realm + "/" + resource;
        switch (s.size()) {
            case 5 -> Crud.collection(request, response, store, collection, RESOURCES.get(resource));
            case 6 -> itemOrCustomMethod(request, response, collection, resource, s.get(5));
            case 7, 8 -> nested(request, response, collection, resource, s);
            default -> throw Http.notFound("no such resource");
        }
    }

    private void itemOrCustomMethod(HttpServletRequest request, HttpServletResponse response, String collection,
                                    String resource, String last) throws IOException, Problem {
        int colon = last.lastIndexOf(':');
        if (colon < 0) {
            Crud.item(request, response, store, collection, last);
            return;
        }
        String method = last.substring(colon + 1);
        if (!resource.equals("groups") || !MEMBER_METHODS.contains(method)) {
            throw Http.notFound("no such custom method; groups have :addMembers, :deleteMembers, :listMembers");
        }
        members(request, response, collection, last.substring(0, colon), method);
    }

    private void nested(HttpServletRequest request, HttpServletResponse response, String collection,
                        String resource, List<String> s) throws IOException, Problem {
        String parentId = s.get(5);
        String child = s.get(6);
        if (!child.equals(NESTED.get(resource))) {
            throw Http.notFound("no such nested collection");
        }
        requireItem(collection, parentId, resource + " item");
        String nested = collection + "/" + parentId + "/" + child;
        if (s.size() == 7) {
            Crud.collection(request, response, store, nested, NESTED_PREFIX.get(child));
        } else {
            Crud.item(request, response, store, nested, s.get(7));
        }
    }

    /** Realms are named by the client: their name is a path segment of every URL beneath them. */
    private void createRealm(HttpServletRequest request, HttpServletResponse response, String realms)
            throws IOException, Problem {
        Map<String, Object> fields = Http.readObject(request);
        if (!(fields.get("name") instanceof String name) || !REALM_NAME.matcher(name).matches()) {
            throw Http.badRequest("a realm needs a \"name\" of 1-32 lower-case letters, digits and '-'");
        }
        Map<String, Object> realm = store.createNamed(realms, name, fields)
                .orElseThrow(() -> new Problem(HttpServletResponse.SC_CONFLICT, "the realm exists"));
        Crud.created(request, response, realm);
    }

    /** The group custom methods: members are identity ids of the same realm. */
    private void members(HttpServletRequest request, HttpServletResponse response, String groups, String groupId,
                         String method) throws IOException, Problem {
        String identities = groups.substring(0, groups.lastIndexOf('/')) + "/identities";
        Map<String, Object> group = store.get(groups, groupId).orElseThrow(() -> Crud.noSuchItem(groups));
        if (method.equals("listMembers")) {
            limitMethods(request, response, "GET, HEAD");
            List<Map<String, Object>> members = new ArrayList<>();
            for (Object id : memberIds(group)) {
                store.get(identities, id.toString()).ifPresent(members::add);
            }
            Crud.list(response, members);
            return;
        }
        limitMethods(request, response, "POST");
        Object given = Http.readObject(request).get("members");
        if (!(given instanceof List<?> ids) || ids.isEmpty()
                || !ids.stream().allMatch(id -> id instanceof String)) {
            throw Http.badRequest("send {\"members\": [\"<identity id>\", ...]}");
        }
        for (Object id : ids) {
            if (store.get(identities, (String) id).isEmpty()) {
                throw Http.badRequest("a member is not an identity of this realm");
            }
        }
        boolean add = method.equals("addMembers");
        Map<String, Object> updated = store.update(groups, groupId, old -> {
            List<Object> members = new ArrayList<>(memberIds(old));
            if (add) {
                ids.stream().filter(id -> !members.contains(id)).forEach(members::add);
            } else {
                members.removeAll(ids);
            }
            Map<String, Object> changed = new LinkedHashMap<>(old);
            changed.put("members", members);
            return changed;
        }).orElseThrow(() -> Crud.noSuchItem(groups));
        Http.writeJson(response, 200, updated);
    }

    private static List<?> memberIds(Map<String, Object> group) {
        return group.get("members") instanceof List<?> list ? list : List.of();
    }

    private void requireItem(String collection, String id, String what) throws Problem {
        if (store.get(collection, id).isEmpty()) {
            throw Http.notFound("no such " + what);
        }
    }

    private static void limitMethods(HttpServletRequest request, HttpServletResponse response, String allow)
            throws Problem {
        if (!List.of(allow.split(", ")).contains(request.getMethod())) {
            throw Crud.notAllowed(response, allow);
        }
    }

    /** The path below {@code /v1} split on {@code /}; the filter has already refused ambiguous paths. */
    static List<String> segments(String pathInfo) {
        List<String> segments = new ArrayList<>();
        if (pathInfo != null) {
            for (String segment : pathInfo.split("/")) {
                if (!segment.isEmpty()) {
                    segments.add(segment);
                }
            }
        }
        return segments;
    }
}
