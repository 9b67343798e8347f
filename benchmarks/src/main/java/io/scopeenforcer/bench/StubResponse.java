package io.scopeenforcer.bench;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A hand-written response that keeps the status and discards headers and body. Benchmarks only pass allowed
 * requests, so the error paths that write to it run only in the setup checks. Reused; not thread-safe.
 */
final class StubResponse implements HttpServletResponse {

    private int status = 200;
    private final List<String> headers = new ArrayList<>();

    /** Back to 200 with no headers. */
    StubResponse clear() {
        status = 200;
        if (!headers.isEmpty()) {
            headers.clear();
        }
        return this;
    }

    @Override
    public void setStatus(int sc) {
        status = sc;
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void sendError(int sc, String msg) {
        status = sc;
    }

    @Override
    public void sendError(int sc) {
        status = sc;
    }

    @Override
    public void setHeader(String name, String value) {
        headers.add(name);
    }

    @Override
    public void addHeader(String name, String value) {
        headers.add(name);
    }

    @Override
    public void setIntHeader(String name, int value) {
        headers.add(name);
    }

    @Override
    public void addIntHeader(String name, int value) {
        headers.add(name);
    }

    @Override
    public void setDateHeader(String name, long date) {
        headers.add(name);
    }

    @Override
    public void addDateHeader(String name, long date) {
        headers.add(name);
    }

    @Override
    public boolean containsHeader(String name) {
        return headers.contains(name);
    }

    @Override
    public String getHeader(String name) {
        return null;
    }

    @Override
    public Collection<String> getHeaders(String name) {
        return List.of();
    }

    @Override
    public Collection<String> getHeaderNames() {
        return List.copyOf(headers);
    }

    @Override
    public void setContentType(String type) {
    }

    @Override
    public String getContentType() {
        return null;
    }

    @Override
    public void setCharacterEncoding(String charset) {
    }

    @Override
    public String getCharacterEncoding() {
        return "UTF-8";
    }

    @Override
    public void setContentLength(int len) {
    }

    @Override
    public void setContentLengthLong(long len) {
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return new ServletOutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener writeListener) {
            }
        };
    }

    @Override
    public PrintWriter getWriter() {
        return new PrintWriter(Writer.nullWriter());
    }

    @Override
    public boolean isCommitted() {
        return false;
    }

    @Override
    public void addCookie(Cookie cookie) {
    }

    @Override
    public String encodeURL(String url) {
        return url;
    }

    @Override
    public String encodeRedirectURL(String url) {
        return url;
    }

    @Override
    public void sendRedirect(String location) {
        status = 302;
    }

    @Override
    public void setBufferSize(int size) {
    }

    @Override
    public int getBufferSize() {
        return 0;
    }

    @Override
    public void flushBuffer() {
    }

    @Override
    public void resetBuffer() {
    }

    @Override
    public void reset() {
        clear();
    }

    @Override
    public void setLocale(Locale loc) {
    }

    @Override
    public Locale getLocale() {
        return Locale.ROOT;
    }
}
