package io.scopeenforcer.example.issuer;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The development issuer's paths when {@code --issuer} turned it off: 404 with a word on why, rather than
 * whatever the default servlet says to a POST. Thread-safe.
 */
public final class DevIssuerOffServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** 404 for every method. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // RFC 9457, like every other error of the app.
        byte[] body = ("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                + "\"detail\":\"the development issuer is off: this app trusts another issuer\"}")
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
