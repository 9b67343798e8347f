package io.scopeenforcer.example.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A test aid, not part of adopting the filter: puts {@code X-Served-Path: <request URI>} on every answer to a
 * request that got past {@code ScopeEnforcementFilter}. {@code web.xml} maps it after the enforcement filter,
 * so the header appears only on requests the filter let through, and names the path the application served
 * ({@code request.getRequestURI()}, without the query). {@code BehindNginxTest} uses it to learn which path
 * a request through a reverse proxy finally reached, and checks that the same token is allowed on that path
 * when asked directly.
 *
 * <p>The client sent the path, so showing it back discloses nothing; anything outside visible ASCII is
 * percent-encoded (UTF-8) so that no header can be split or carry raw bytes (RFC 9110 §5.5). A real
 * application leaves this filter out.
 */
public final class ServedPathFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** The response header naming the served path. */
    public static final String HEADER = "X-Served-Path";

    /** Sets the header before the servlet runs, so that a servlet's own 404 or 405 carries it too. */
    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String uri = request.getRequestURI();
        if (uri != null) {
            response.setHeader(HEADER, visible(uri));
        }
        chain.doFilter(request, response);
    }

    /** {@code text} with every byte outside %x21-7E of its UTF-8 form written as {@code %XX}. */
    static String visible(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c > 0x20 && c < 0x7F) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }
}
