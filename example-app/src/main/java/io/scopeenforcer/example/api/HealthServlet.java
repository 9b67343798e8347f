package io.scopeenforcer.example.api;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** {@code GET /health}: public, for load balancers and the start-up check. Public only because web.xml names it. */
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Always {@code {"status":"UP"}}. */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Http.writeJson(response, 200, Map.of("status", "UP"));
    }
}
