package io.scopeenforcer.example.issuer;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The development issuer's RFC 7662 introspection endpoint ({@value #PATH}): a {@code POST} of {@code token},
 * authenticated by HTTP Basic as the resource server ({@link DemoClients#INTROSPECTION_CLIENT}, §2.1: the endpoint
 * must authenticate its callers, or it would tell anyone what any token grants). Answers the token's claims with
 * {@code active: true}, or only {@code active: false}. Thread-safe.
 */
public final class IntrospectionEndpoint extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Where the endpoint is served. */
    public static final String PATH = "/oauth2/v1/introspect";

    private final transient DevIssuer issuer;

    /** The endpoint of {@code issuer}. */
    public IntrospectionEndpoint(DevIssuer issuer) {
        this.issuer = issuer;
    }

    /** POST only; 401 {@code invalid_client} without the resource server's credentials; never cached. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int status = 200;
        Map<String, Object> body;
        if (!request.getMethod().equals("POST")) {
            response.setHeader("Allow", "POST");
            status = HttpServletResponse.SC_METHOD_NOT_ALLOWED;
            body = error("invalid_request", "the introspection endpoint takes POST (RFC 7662 section 2.1)");
        } else if (!authenticated(request.getHeader("Authorization"))) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"introspection\"");
            status = HttpServletResponse.SC_UNAUTHORIZED;
            body = error("invalid_client", "authenticate as the resource server with HTTP Basic");
        } else {
            Map<String, List<String>> form;
            try {
                form = FormBody.read(request);
            } catch (FormBody.Malformed e) {
                form = null;
            }
            List<String> token = form == null ? null : form.get("token");
            if (token == null || token.size() != 1 || token.get(0).isEmpty()) {
                status = HttpServletResponse.SC_BAD_REQUEST;
                body = error("invalid_request", "exactly one token parameter is required (RFC 7662 section 2.1)");
            } else {
                body = issuer.introspect(token.get(0));
            }
        }
        response.setHeader("Cache-Control", "no-store");
        byte[] bytes = JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static boolean authenticated(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon > 0 && DemoClients.isIntrospectionClient(FormBody.decode(decoded.substring(0, colon)),
                    FormBody.decode(decoded.substring(colon + 1)));
        } catch (IllegalArgumentException | FormBody.Malformed e) {
            return false;
        }
    }

    private static Map<String, Object> error(String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return body;
    }
}
