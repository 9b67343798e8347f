package io.scopeenforcer.example;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The development issuer's paths when {@code --issuer} turned it off: 404 with a word on why, rather than
 * whatever the default servlet says to a POST. Thread-safe.
 */
final class DevIssuerOffServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** 404 for every method. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Http.writeProblem(response, Http.notFound("the development issuer is off: this app trusts another issuer"));
    }
}
