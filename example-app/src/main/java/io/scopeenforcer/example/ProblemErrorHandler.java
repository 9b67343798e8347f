package io.scopeenforcer.example;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The answer to every error the container itself produces, as RFC 9457 {@code application/problem+json}
 * like the filter's and the app's own: a request line or header Jetty refuses (400, 414, 431), a form body it
 * cannot parse for a servlet, a path no servlet serves (404), a method a servlet does not implement (405), an
 * exception a servlet lets escape (500). Jetty's default is an HTML page that echoes the URI and the exception
 * message and, for a 500, its stack trace; the body here is a fixed text per status, whatever the client sent
 * and whatever its {@code Accept} header says, so nothing of the request or of the server's internals is
 * reflected (OWASP ASVS V7.4.1, CWE-209). Jetty still logs the exception of a 500 server-side.
 *
 * <p>Two classes because Jetty 12 has two error handlers: {@link ForServer} on the {@code Server}, for what
 * fails before a context is chosen (a request line the parser refuses), and {@link ForContext} on the web
 * app, for errors inside it ({@code sendError}, exceptions).
 */
final class ProblemErrorHandler {

    /** The media type of RFC 9457 §3. */
    static final String PROBLEM_JSON = "application/problem+json";

    private ProblemErrorHandler() {
    }

    /**
     * The problem document for a status: {@code type}, {@code title}, {@code status}, {@code detail}, all fixed
     * text chosen by the status alone.
     */
    static byte[] body(int status) {
        String title = HttpStatus.getMessage(status);
        String json = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail(status) + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code detail} of a container error: says what went wrong, never with the client's text. */
    static String detail(int status) {
        return switch (status) {
            case 400 -> "the server could not read this request";
            case 404 -> "no such resource";
            case 405 -> "the resource does not support this method";
            case 408 -> "the request took too long to arrive";
            case 413 -> "the request body is too large";
            case 414 -> "the request target is too long";
            case 415 -> "the server does not accept this content type";
            case 431 -> "the request header fields are too large";
            default -> status >= 500 ? "the server failed to answer this request" : "the server refused this request";
        };
    }

    private static void writeProblem(Response response, Callback callback, int status) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
        response.write(true, ByteBuffer.wrap(body(status)), callback);
    }

    /** On the {@code Server}: errors before any context, including messages the HTTP parser refuses. */
    static final class ForServer extends org.eclipse.jetty.server.handler.ErrorHandler {

        ForServer() {
            setShowStacks(false);
            setShowCauses(false);
            setShowMessageInTitle(false);
        }

        /** Every method gets a body, not only GET, POST and HEAD: a client reads the same format for all. */
        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        /** Ignores {@code Accept}: an error is problem+json whatever the client would prefer. */
        @Override
        protected void generateResponse(Request request, Response response, int code, String message,
                                        Throwable cause, Callback callback) throws IOException {
            generateAcceptableResponse(request, response, callback, PROBLEM_JSON, List.of(StandardCharsets.UTF_8),
                    code, message, cause);
        }

        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                     String contentType, List<Charset> charsets, int code,
                                                     String message, Throwable cause) {
            writeProblem(response, callback, code);
            return true;
        }

        /** What the HTTP/1.1 connection sends for a message it could not parse into a request. */
        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
            return ByteBuffer.wrap(body(status));
        }
    }

    /** On the web app (ee10): {@code sendError}, uncaught exceptions, and the container's own 404 and 405. */
    static final class ForContext extends org.eclipse.jetty.ee10.servlet.ErrorHandler {

        ForContext() {
            setShowStacks(false);
            setShowCauses(false);
            setShowMessageInTitle(false);
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message,
                                        Throwable cause, Callback callback) throws IOException {
            generateAcceptableResponse(request, response, callback, PROBLEM_JSON, List.of(StandardCharsets.UTF_8),
                    code, message, cause);
        }

        /** Writes the problem, then completes the servlet channel as Jetty's own ee10 handler does. */
        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                     String contentType, List<Charset> charsets, int code,
                                                     String message, Throwable cause) {
            writeProblem(response, callback, code);
            ServletContextRequest servletRequest = Request.as(request, ServletContextRequest.class);
            if (servletRequest != null) {
                servletRequest.getServletChannel().sendErrorResponseAndComplete();
            }
            return true;
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
            return ByteBuffer.wrap(body(status));
        }
    }
}
