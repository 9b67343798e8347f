package io.scopeenforcer.example.api;

import io.scopeenforcer.example.api.Http.Problem;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * The demo admin API: {@code /admin/v1/Users} and {@code /admin/v1/Groups}. The policy marks it admin, so it
 * takes the admin scope {@code urn:opc:idm:__myscopes__} and never {@code urn:opc:resource:consumer::all}.
 * Public only because {@code web.xml} names it. Thread-safe.
 */
public final class AdminServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String USERS = "admin/Users";
    static final String GROUPS = "admin/Groups";

    private final transient JsonStore store = new JsonStore();

    /** Seeds two users and a group. */
    @Override
    public void init() {
        DemoData.seedAdmin(store);
    }

    /** {@code /admin/v1/Users[/{id}]} and {@code /admin/v1/Groups[/{id}]}; anything else is 404. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            List<String> s = ManagementApiServlet.segments(request.getPathInfo());
            String collection = s.isEmpty() ? "" : "admin/" + s.get(0);
            String prefix = switch (collection) {
                case USERS -> "usr";
                case GROUPS -> "grp";
                default -> throw Http.notFound("no such resource; try /admin/v1/Users or /admin/v1/Groups");
            };
            switch (s.size()) {
                case 1 -> Crud.collection(request, response, store, collection, prefix);
                case 2 -> Crud.item(request, response, store, collection, s.get(1));
                default -> throw Http.notFound("no such resource");
            }
        } catch (Problem problem) {
            Http.writeProblem(response, problem);
        }
    }
}
