package io.scopeenforcer.example.api;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * JSON in and out for the demo servlets: {@link JsonReader} reads request bodies strictly, nimbus's JSON
 * utilities write responses, so the app adds no JSON library.
 */
final class Http {

    /** Demo payloads are small; a bigger body is a mistake or an attack, not data. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** The most of an over-long body read and dropped before answering 413. */
    private static final long DRAIN_BYTES = 1 << 20;

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
     * Reads the request body as one JSON object (RFC 8259), strictly: see {@link JsonReader}. Nothing the
     * client sends makes this throw anything but a {@link Problem}; a failure to read the body is a 400 too.
     *
     * @throws Problem 415 for a content type other than JSON or a charset other than UTF-8, 413 for a body over
     *     {@link #MAX_BODY_BYTES}, 400 for an empty body, bytes that are not UTF-8, or anything but one JSON
     *     object (invalid or truncated JSON, {@code null}, an array, a string, a number, a boolean, nesting
     *     deeper than {@link JsonReader#MAX_DEPTH}, a member named twice)
     */
    static Map<String, Object> readObject(HttpServletRequest request) throws Problem {
        // The header itself: Jetty's getContentType() throws for a charset it does not know (charset=bogus).
        String type = request.getHeader("Content-Type");
        if (type != null) {
            if (!mediaType(type).equals("application/json")) {
                throw new Problem(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "send application/json");
            }
            String charset = parameter(type, "charset");
            // RFC 8259 §8.1: JSON between systems is UTF-8; application/json defines no charset parameter, so
            // only a harmless utf-8 is tolerated (never decoded with a charset the client names).
            if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
                throw new Problem(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                        "send application/json in UTF-8 (RFC 8259 section 8.1)");
            }
        }
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            // Refused without keeping it: a declared 2 GB body is never read into memory. Up to DRAIN_BYTES are
            // read and dropped first, so that a client still sending gets the 413 instead of a reset
            // connection; past that the container closes the connection.
            if (declared <= DRAIN_BYTES) {
                try (InputStream in = request.getInputStream()) {
                    in.skipNBytes(declared);
                } catch (IOException | RuntimeException e) {
                    // the 413 stands whether or not the rest arrived
                }
            }
            throw tooLarge();
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            // A broken chunked encoding, a client that stops half-way: the body is not a JSON object either.
            throw badRequest("the body could not be read");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw badRequest("the body is not UTF-8");
        }
        try {
            return JsonReader.parseObject(text);
        } catch (JsonReader.Malformed e) {
            // The reader's messages are fixed text, never a piece of the body.
            throw badRequest(e.getMessage());
        }
    }

    private static Problem tooLarge() {
        return new Problem(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                "the body is over " + MAX_BODY_BYTES + " bytes");
    }

    /**
     * A parameter of a Content-Type value, unquoted, or null when absent. A value the grammar of RFC 9110
     * §8.3.1 does not allow comes back as it is, and no charset compares equal to it.
     */
    static String parameter(String contentType, String name) {
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].strip();
            int equals = part.indexOf('=');
            if (equals > 0 && part.substring(0, equals).strip().equalsIgnoreCase(name)) {
                String value = part.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
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

    /** A problem document built by the caller, for members beyond type, title, status and detail. */
    static void writeProblemBody(HttpServletResponse response, int status, Map<String, ?> body) throws IOException {
        write(response, status, "application/problem+json", JSONObjectUtils.toJSONString(body));
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
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            default -> "Error";
        };
    }
}
