package io.scopeenforcer.example.api;

import io.scopeenforcer.example.api.Http.Problem;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * The demo PaaS APIs: {@code /paas/analytics/reports} and {@code /paas/stack/instances}, each a collection with
 * items. The filter has checked {@code urn:opc:resource:consumer:paas:<service>::read} or {@code ::write}.
 * Public only because {@code web.xml} names it. Thread-safe.
 */
public final class PaasServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String REPORTS = "paas/analytics/reports";
    static final String INSTANCES = "paas/stack/instances";

    private final transient JsonStore store = new JsonStore();

    /** Seeds two reports and two instances. */
    @Override
    public void init() {
        DemoData.seedPaas(store);
    }

    /** {@code /paas/analytics/reports[/{id}]} and {@code /paas/stack/instances[/{id}]}; anything else is 404. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            List<String> s = ManagementApiServlet.segments(request.getPathInfo());
            String collection = s.size() < 2 ? "" : "paas/" + s.get(0) + "/" + s.get(1);
            String prefix = switch (collection) {
                case REPORTS -> "rpt";
                case INSTANCES -> "inst";
                default -> throw Http.notFound("no such resource; try /paas/analytics/reports or /paas/stack/instances");
            };
            switch (s.size()) {
                case 2 -> Crud.collection(request, response, store, collection, prefix);
                case 3 -> Crud.item(request, response, store, collection, s.get(2));
                default -> throw Http.notFound("no such resource");
            }
        } catch (Problem problem) {
            Http.writeProblem(response, problem);
        }
    }
}
