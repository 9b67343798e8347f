package io.scopeenforcer.example.issuer;

import com.nimbusds.jose.util.Base64;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The few HTML pages of the development issuer and the demo client: server-rendered, no JavaScript, one small
 * style sheet that reads on a phone, every value escaped. The only HTML the app serves; its API routes answer
 * problem+json.
 */
final class Pages {

    /** One style sheet, inline; the CSP names its hash, so no other style (and no script at all) runs. */
    static final String CSS = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:0 auto;padding:1rem;"
            + "line-height:1.5;color:#1b1b1b}h1{font-size:1.4rem}label{display:block;margin-top:.8rem}"
            + "input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem}"
            + "button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem;margin-right:.5rem}"
            + "code{background:#f1f1f1;padding:0 .2rem;word-break:break-all}.error{color:#a00000}"
            + "li{margin:.2rem 0}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;"
            + "padding:.3rem;text-align:left;vertical-align:top}";

    /**
     * No script, no plug-in, styles only the one above, forms only to this origin and never in a frame
     * (clickjacking of the consent button: RFC 6819 §4.4.1.9). Redirects after a form post are not limited by
     * form-action here: the consent form's answer is a redirect to the client.
     */
    static final String CSP = "default-src 'none'; style-src '" + hash(CSS) + "'; img-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private Pages() {
    }

    /** Escapes text for HTML element content and double-quoted attribute values. */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A hidden form field. */
    static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">";
    }

    /** A list of scopes as {@code <ul>} of {@code <code>}, or {@code none}. */
    static String scopeList(Iterable<String> scopes) {
        StringBuilder b = new StringBuilder("<ul>");
        boolean any = false;
        for (String scope : scopes) {
            b.append("<li><code>").append(esc(scope)).append("</code></li>");
            any = true;
        }
        return any ? b.append("</ul>").toString() : "<p>none</p>";
    }

    /** Writes a page: the security headers, never cached, UTF-8 HTML. */
    static void write(HttpServletResponse response, int status, String title, String body) throws IOException {
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + "</title><style>" + CSS + "</style></head><body><h1>" + esc(title)
                + "</h1>" + body + "</body></html>";
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        securityHeaders(response);
        response.setStatus(status);
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The headers of every page and redirect of the flow. */
    static void securityHeaders(HttpServletResponse response) {
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
    }

    /** A redirect (303 after a form post, 302 after a GET) carrying the security headers. */
    static void redirect(HttpServletResponse response, int status, String location) {
        securityHeaders(response);
        response.setStatus(status);
        response.setHeader("Location", location);
        response.setContentLength(0);
    }

    /**
     * A {@code Set-Cookie} header: {@code HttpOnly} (no script reads it), {@code SameSite=Lax} (not sent on a
     * cross-site POST: a second line of defence behind the CSRF token).
     */
    static void cookie(HttpServletResponse response, String name, String value, String path, long maxAgeSeconds) {
        response.addHeader("Set-Cookie", name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; SameSite=Lax");
    }

    /** The value of cookie {@code name} in the request's Cookie header, or null. */
    static String cookieValue(jakarta.servlet.http.HttpServletRequest request, String name) {
        java.util.Enumeration<String> headers = request.getHeaders("Cookie");
        while (headers != null && headers.hasMoreElements()) {
            for (String part : headers.nextElement().split(";")) {
                String p = part.strip();
                if (p.startsWith(name + "=")) {
                    return p.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.encode(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
