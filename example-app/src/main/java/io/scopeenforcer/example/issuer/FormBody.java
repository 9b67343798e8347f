package io.scopeenforcer.example.issuer;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} request body (RFC 6749 §3.2, Appendix B), read and decoded by
 * the token endpoint itself rather than by the container's {@code getParameter}: the container decodes with
 * whatever charset the client names (and fails with its own HTML 400 for a bogus one), silently keeps a bad
 * percent escape, and has its own, much larger limits. Here the body is bounded ({@link #MAX_BYTES}), the
 * names are counted ({@link #MAX_PARAMETERS}), percent escapes must be two hex digits, and the decoded bytes
 * must be UTF-8. Every failure is a {@link Malformed} with a fixed message that never quotes the body.
 */
final class FormBody {

    /** A token request is a few hundred bytes; a refresh token and a long scope list fit many times over. */
    static final int MAX_BYTES = 8 * 1024;
    /** The token endpoint reads five names; a client has no reason to send dozens. */
    static final int MAX_PARAMETERS = 16;

    /** Why a body is refused: fixed text, safe in an RFC 6749 {@code error_description}. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** How much of an over-long body is read and dropped before answering. */
    private static final long DRAIN_BYTES = 1 << 20;

    private FormBody() {
    }

    /**
     * Reads the request's body, at most {@link #MAX_BYTES}, and decodes it.
     *
     * @return each name with its values in body order
     * @throws Malformed for a charset other than UTF-8, a body over the limit or that cannot be read, or any
     *     decoding failure of {@link #parse}
     */
    static Map<String, List<String>> read(HttpServletRequest request) throws Malformed {
        // The header, not getContentType(), which Jetty makes throw for a charset it does not know.
        String charset = charset(request.getHeader("Content-Type"));
        if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
            // The WHATWG URL standard defines this media type in UTF-8 only; a client naming another charset
            // (or none that exists) would have its secrets decoded differently than it meant.
            throw new Malformed("a form body is UTF-8; the charset parameter names another");
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BYTES + 1);
            if (body.length > MAX_BYTES) {
                // Read (and drop) a bounded rest, so that a client still sending gets the 400 instead of a reset
                // connection; past the bound the container closes the connection.
                in.skipNBytes(Math.min(DRAIN_BYTES, Math.max(0, request.getContentLengthLong() - body.length)));
            }
        } catch (IOException | RuntimeException e) {
            // Broken chunking, a client that stops half-way, a container that refuses the stream.
            throw new Malformed("the body could not be read");
        }
        if (body.length > MAX_BYTES) {
            throw new Malformed("the body is over " + MAX_BYTES + " bytes");
        }
        return parse(body);
    }


    /**
     * Decodes a form body: {@code name=value} pairs split on {@code &}, {@code +} for a space, {@code %XX}
     * escapes, UTF-8. Empty pairs ({@code a=1&&b=2}) are skipped, as the WHATWG URL standard does; a pair
     * without {@code =} is a name with an empty value.
     *
     * @throws Malformed for more than {@link #MAX_PARAMETERS} pairs, a {@code %} not followed by two hex digits,
     *     or bytes that are not UTF-8 once decoded
     */
    static Map<String, List<String>> parse(byte[] body) throws Malformed {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        int pairs = 0;
        int start = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start);
            if (end > start) {
                if (++pairs > MAX_PARAMETERS) {
                    throw new Malformed("the body has more than " + MAX_PARAMETERS + " parameters");
                }
                int equals = indexOf(body, (byte) '=', start);
                int nameEnd = Math.min(equals, end);
                String name = decode(body, start, nameEnd);
                String value = nameEnd < end ? decode(body, nameEnd + 1, end) : "";
                parameters.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            start = end + 1;
        }
        return parameters;
    }

    /** One name or value of a form body, or of a Basic credential (RFC 6749 §2.3.1 form-encodes both). */
    static String decode(String text) throws Malformed {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return decode(bytes, 0, bytes.length);
    }

    private static String decode(byte[] body, int from, int to) throws Malformed {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                int high = i + 2 < to ? Character.digit(body[i + 1], 16) : -1;
                int low = high >= 0 ? Character.digit(body[i + 2], 16) : -1;
                if (low < 0) {
                    throw new Malformed("the body has a % not followed by two hex digits");
                }
                out.write(high * 16 + low);
                i += 2;
            } else {
                out.write(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the body is not UTF-8 once percent-decoded");
        }
    }

    /** The index of {@code b} at or after {@code from}, or the length when there is none. */
    private static int indexOf(byte[] body, byte b, int from) {
        for (int i = from; i < body.length; i++) {
            if (body[i] == b) {
                return i;
            }
        }
        return body.length;
    }

    /** The media type of a Content-Type value, without parameters, in lower case. */
    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /** The charset parameter of a Content-Type value, unquoted; null when there is none. */
    static String charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].strip();
            int equals = part.indexOf('=');
            if (equals > 0 && part.substring(0, equals).strip().equalsIgnoreCase("charset")) {
                String value = part.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }
}
