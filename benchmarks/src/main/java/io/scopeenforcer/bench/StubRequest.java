package io.scopeenforcer.bench;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.security.Principal;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A hand-written request: a method, a request URI (context path empty, servlet path empty, the whole URI as
 * path info, as for a filter mapped to {@code /*}), at most an {@code Authorization} header, and an attribute
 * map. It is reused across benchmark invocations: {@link #reset()} clears the attributes, as a container
 * hands each request a fresh map. What neither filter calls throws, so that an unexpected call is seen.
 * Not thread-safe (one per benchmark thread).
 */
final class StubRequest implements HttpServletRequest {

    private final String method;
    private final String uri;
    private final String authorization;
    private final Map<String, Object> attributes = new HashMap<>();

    StubRequest(String method, String uri, String token) {
        this.method = method;
        this.uri = uri;
        this.authorization = token == null ? null : "Bearer " + token;
    }

    /** Forgets the attributes of the previous invocation. */
    StubRequest reset() {
        if (!attributes.isEmpty()) {
            attributes.clear();
        }
        return this;
    }

    @Override
    public String getMethod() {
        return method;
    }

    @Override
    public String getRequestURI() {
        return uri;
    }

    @Override
    public String getContextPath() {
        return "";
    }

    @Override
    public String getServletPath() {
        return "";
    }

    @Override
    public String getPathInfo() {
        return uri;
    }

    @Override
    public String getQueryString() {
        return null;
    }

    @Override
    public String getHeader(String name) {
        return authorization != null && name.equalsIgnoreCase("Authorization") ? authorization : null;
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        String value = getHeader(name);
        return value == null ? Collections.emptyEnumeration() : new One(value);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return authorization == null ? Collections.emptyEnumeration() : new One("Authorization");
    }

    @Override
    public String getContentType() {
        return null;
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public void removeAttribute(String name) {
        attributes.remove(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(List.copyOf(attributes.keySet()));
    }

    @Override
    public DispatcherType getDispatcherType() {
        return DispatcherType.REQUEST;
    }

    @Override
    public String getParameter(String name) {
        return null;
    }

    @Override
    public String[] getParameterValues(String name) {
        return null;
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.emptyEnumeration();
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return Map.of();
    }

    @Override
    public HttpSession getSession(boolean create) {
        if (create) {
            throw new UnsupportedOperationException("no sessions here");
        }
        return null;
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public String getRemoteAddr() {
        return "127.0.0.1";
    }

    @Override
    public String getRemoteHost() {
        return "127.0.0.1";
    }

    @Override
    public int getRemotePort() {
        return 50000;
    }

    @Override
    public String getScheme() {
        return "http";
    }

    @Override
    public String getServerName() {
        return "localhost";
    }

    @Override
    public int getServerPort() {
        return 8080;
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public String getProtocol() {
        return "HTTP/1.1";
    }

    @Override
    public StringBuffer getRequestURL() {
        return new StringBuffer("http://localhost:8080").append(uri);
    }

    @Override
    public String getCharacterEncoding() {
        return null;
    }

    @Override
    public int getContentLength() {
        return -1;
    }

    @Override
    public long getContentLengthLong() {
        return -1;
    }

    @Override
    public Locale getLocale() {
        return Locale.ROOT;
    }

    @Override
    public Enumeration<Locale> getLocales() {
        return Collections.enumeration(List.of(Locale.ROOT));
    }

    @Override
    public boolean isAsyncStarted() {
        return false;
    }

    @Override
    public boolean isAsyncSupported() {
        return false;
    }

    @Override
    public String getAuthType() {
        return null;
    }

    @Override
    public String getRemoteUser() {
        return null;
    }

    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    @Override
    public Cookie[] getCookies() {
        return null;
    }

    @Override
    public String getRequestedSessionId() {
        return null;
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return false;
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return false;
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }

    // Below: nothing either filter uses.

    @Override
    public long getDateHeader(String name) {
        throw unused();
    }

    @Override
    public int getIntHeader(String name) {
        throw unused();
    }

    @Override
    public String getPathTranslated() {
        throw unused();
    }

    @Override
    public String changeSessionId() {
        throw unused();
    }

    @Override
    public boolean authenticate(HttpServletResponse response) {
        throw unused();
    }

    @Override
    public void login(String username, String password) {
        throw unused();
    }

    @Override
    public void logout() {
        throw unused();
    }

    @Override
    public Collection<Part> getParts() {
        throw unused();
    }

    @Override
    public Part getPart(String name) {
        throw unused();
    }

    @Override
    public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) {
        throw unused();
    }

    @Override
    public void setCharacterEncoding(String env) {
        throw unused();
    }

    @Override
    public ServletInputStream getInputStream() {
        throw unused();
    }

    @Override
    public BufferedReader getReader() {
        throw unused();
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        throw unused();
    }

    @Override
    public String getLocalName() {
        throw unused();
    }

    @Override
    public String getLocalAddr() {
        throw unused();
    }

    @Override
    public int getLocalPort() {
        throw unused();
    }

    @Override
    public ServletContext getServletContext() {
        throw unused();
    }

    @Override
    public AsyncContext startAsync() {
        throw unused();
    }

    @Override
    public AsyncContext startAsync(ServletRequest servletRequest, ServletResponse servletResponse) {
        throw unused();
    }

    @Override
    public AsyncContext getAsyncContext() {
        throw unused();
    }

    @Override
    public String getRequestId() {
        throw unused();
    }

    @Override
    public String getProtocolRequestId() {
        throw unused();
    }

    @Override
    public ServletConnection getServletConnection() {
        throw unused();
    }

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("not used by the benchmarked filters");
    }

    /** A one-value enumeration, like a container's for a single header. */
    private static final class One implements Enumeration<String> {
        private String next;

        One(String value) {
            this.next = value;
        }

        @Override
        public boolean hasMoreElements() {
            return next != null;
        }

        @Override
        public String nextElement() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            String value = next;
            next = null;
            return value;
        }
    }
}
