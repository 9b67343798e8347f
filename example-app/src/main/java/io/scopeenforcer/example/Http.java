package io.scopeenforcer.example;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** JSON in and out for the demo servlets, through nimbus's JSON utilities: the app adds no JSON library. */
final class Http {

    /** Demo payloads are small; a bigger body is a mistake or an attack, not data. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private Http() {
    }

    /** Thrown by the servlets' helpers to end a request with an RFC 9457 problem; never carries request text. */
    static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Problem(int status, String detail) {
            super(detail, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    static Problem notFound(String detail) {
        return new Problem(HttpServletResponse.SC_NOT_FOUND, detail);
    }

    static Problem badRequest(String detail) {
        return new Problem(HttpServletResponse.SC_BAD_REQUEST, detail);
    }

    static Problem methodNotAllowed(String detail) {
        return new Problem(HttpServletResponse.SC_METHOD_NOT_ALLOWED, detail);
    }

    /**
     * Reads the request body as one JSON object.
     *
     * @throws Problem 415 for a content type other than JSON, 413 for a body over {@link #MAX_BODY_BYTES},
     *     400 for anything but a JSON object
     */
    static Map<String, Object> readObject(HttpServletRequest request) throws IOException, Problem {
        String type = request.getContentType();
        if (type != null && !mediaType(type).equals("application/json")) {
            throw new Problem(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "send application/json");
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new Problem(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "the body is over " + MAX_BODY_BYTES + " bytes");
        }
        try {
            return new LinkedHashMap<>(JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8)));
        } catch (ParseException e) {
            // The parser's message quotes the input: say only what was expected.
            throw badRequest("the body is not a JSON object");
        }
    }

    /** The media type of a Content-Type value, without parameters, in lower case. */
    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    static void writeJson(HttpServletResponse response, int status, Map<String, ?> body) throws IOException {
        write(response, status, "application/json", JSONObjectUtils.toJSONString(body));
    }

    /** An RFC 9457 problem, like the filter's, so a client parses one error format. */
    static void writeProblem(HttpServletResponse response, Problem problem) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title(problem.status()));
        body.put("status", problem.status());
        body.put("detail", problem.getMessage());
        write(response, problem.status(), "application/problem+json", JSONObjectUtils.toJSONString(body));
    }

    private static void write(HttpServletResponse response, int status, String type, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            default -> "Error";
        };
    }
}
