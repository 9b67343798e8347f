package io.scopeenforcer.servlet;

import io.scopeenforcer.Decision;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes denials as RFC 6750 challenges with an RFC 9457 {@code application/problem+json} body. Every value
 * written is ours or sanitized: no token, header or long path is echoed.
 */
final class Responses {

    /** The response header of a server nonce for the client's next DPoP proof (RFC 9449 §8.1). */
    static final String DPOP_NONCE = "DPoP-Nonce";

    private final String challengePrefix;
    /** The bare {@code DPoP} challenge (RFC 9449 §7.1), or null when DPoP is off. */
    private final String dpopPrefix;
    /** Whether a {@code Bearer} token can still be accepted, so its challenge is offered. */
    private final boolean bearerAccepted;

    /**
     * @param realm the challenge's {@code realm}, or null
     * @param resourceMetadataUrl the challenge's {@code resource_metadata} (RFC 9728 §5.1), or null
     */
    Responses(String realm, String resourceMetadataUrl) {
        this(realm, resourceMetadataUrl, null, true);
    }

    /**
     * @param dpopAlgorithms the {@code algs} of the {@code DPoP} challenge, or null when DPoP is off (then only the
     *     {@code Bearer} challenge is sent)
     * @param bearerAccepted false when only DPoP-bound tokens are accepted: no {@code Bearer} challenge then
     */
    Responses(String realm, String resourceMetadataUrl, List<String> dpopAlgorithms, boolean bearerAccepted) {
        this.bearerAccepted = bearerAccepted || dpopAlgorithms == null;
        this.dpopPrefix = dpopAlgorithms == null ? null : dpopPrefix(realm, resourceMetadataUrl, dpopAlgorithms);
        StringBuilder prefix = new StringBuilder("Bearer");
        String separator = " ";
        if (realm != null) {
            prefix.append(separator).append("realm=\"").append(quotable(realm)).append('"');
            separator = ", ";
        }
        if (resourceMetadataUrl != null) {
            prefix.append(separator).append("resource_metadata=\"").append(quotable(resourceMetadataUrl)).append('"');
        }
        this.challengePrefix = prefix.toString();
    }

    private static String dpopPrefix(String realm, String resourceMetadataUrl, List<String> algorithms) {
        StringBuilder prefix = new StringBuilder("DPoP");
        if (realm != null) {
            prefix.append(" realm=\"").append(quotable(realm)).append("\",");
        }
        if (resourceMetadataUrl != null) {
            prefix.append(" resource_metadata=\"").append(quotable(resourceMetadataUrl)).append("\",");
        }
        return prefix.append(" algs=\"").append(quotable(String.join(" ", algorithms))).append('"').toString();
    }

    /**
     * The {@code WWW-Authenticate} values for a denial, the one carrying the error first; empty when the denial
     * carries none. With DPoP on, a 401 has a {@code DPoP} challenge (RFC 9449 §7.1) beside the {@code Bearer} one,
     * and the error goes into the challenge of the scheme the request used.
     *
     * @param dpopScheme whether the request's {@code Authorization} used the {@code DPoP} scheme
     */
    List<String> challenges(Decision.Deny deny, boolean dpopScheme) {
        String bearer = challenge(deny, challengePrefix);
        if (dpopPrefix == null || bearer == null) {
            return bearer == null ? List.of() : List.of(bearer);
        }
        if (deny.reason() == Decision.Reason.MISSING_TOKEN) {
            return bearerAccepted ? List.of(challengePrefix, dpopPrefix) : List.of(dpopPrefix);
        }
        boolean inDpop = dpopScheme || deny.reason() == Decision.Reason.INVALID_DPOP_PROOF
                || deny.reason() == Decision.Reason.USE_DPOP_NONCE || !bearerAccepted;
        String withError = inDpop ? challenge(deny, dpopPrefix) : bearer;
        if (deny.status() != 401) {
            return List.of(withError); // 400, 403: the error in the challenge of the scheme the request used
        }
        if (inDpop) {
            return bearerAccepted ? List.of(withError, challengePrefix) : List.of(withError);
        }
        return List.of(withError, dpopPrefix);
    }

    /** The {@code Bearer} {@code WWW-Authenticate} value for a denial, or null when the denial carries none. */
    String challenge(Decision.Deny deny) {
        return challenge(deny, challengePrefix);
    }

    /** The denial's challenge of the scheme {@code prefix} starts ({@code Bearer ...} or {@code DPoP ...}). */
    private static String challenge(Decision.Deny deny, String prefix) {
        switch (deny.reason()) {
            case METHOD_NOT_ALLOWED, KEYS_UNAVAILABLE, REPLAY_CACHE_UNAVAILABLE, NO_RULE:
                return null;
            case MISSING_TOKEN:
                return prefix;
            default:
                break;
        }
        StringBuilder out = new StringBuilder(prefix);
        out.append(prefix.indexOf(' ') > 0 ? ", " : " ");
        out.append("error=\"").append(deny.error()).append('"');
        out.append(", error_description=\"").append(quotable(deny.description())).append('"');
        if (!deny.requiredScopes().isEmpty()) {
            out.append(", scope=\"").append(quotable(String.join(" ", deny.requiredScopes()))).append('"');
        }
        return out.toString();
    }

    void write(HttpServletResponse response, Decision.Deny deny) throws IOException {
        write(response, deny, false);
    }

    /** Writes the denial; {@code dpopScheme} as for {@link #challenges}. */
    void write(HttpServletResponse response, Decision.Deny deny, boolean dpopScheme) throws IOException {
        response.resetBuffer();
        response.setStatus(deny.status());
        List<String> challenges = challenges(deny, dpopScheme);
        for (int i = 0; i < challenges.size(); i++) {
            if (i == 0) {
                response.setHeader("WWW-Authenticate", challenges.get(0));
            } else {
                response.addHeader("WWW-Authenticate", challenges.get(i));
            }
        }
        if (deny.allowHeader() != null) {
            response.setHeader("Allow", deny.allowHeader());
        }
        if (deny.retryAfterSeconds() > 0) {
            response.setHeader("Retry-After", Long.toString(deny.retryAfterSeconds()));
        }
        if (deny.dpopNonce() != null) {
            response.setHeader(DPOP_NONCE, deny.dpopNonce());
        }
        response.setHeader("Cache-Control", "no-store");
        byte[] body = problem(deny).getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The RFC 9457 problem document. */
    static String problem(Decision.Deny deny) {
        StringBuilder json = new StringBuilder(256).append('{');
        json.append("\"type\":\"about:blank\"");
        json.append(",\"title\":").append(Json.string(title(deny.status())));
        json.append(",\"status\":").append(deny.status());
        json.append(",\"detail\":").append(Json.string(deny.description()));
        if (deny.error() != null) {
            json.append(",\"error\":").append(Json.string(deny.error()));
        }
        json.append(",\"reason\":").append(Json.string(deny.reason().name().toLowerCase(java.util.Locale.ROOT)));
        // Which check the token failed (expired, wrong_audience...): a stable code a client can act on, where the
        // detail is prose. 401s only: a 503's token may be fine.
        if (deny.status() == 401 && deny.tokenFailure() != null) {
            json.append(",\"token_failure\":")
                    .append(Json.string(deny.tokenFailure().name().toLowerCase(java.util.Locale.ROOT)));
        }
        // docs/architecture.md §4: a 403 body always names the required scopes, so clients read one shape; [] when no
        // scope would help (no rule matches).
        if (deny.status() == 403 || !deny.requiredScopes().isEmpty()) {
            json.append(",\"required_scopes\":").append(Json.array(deny.requiredScopes()));
        }
        return json.append('}').toString();
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 405 -> "Method Not Allowed";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    /** RFC 6750 §3: error_description and scope values use %x20-21 / %x23-5B / %x5D-7E only. */
    static String quotable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c <= 0x7E && c != '"' && c != '\\' ? c : '?');
        }
        return out.toString();
    }

    /** Minimal JSON writing for our own documents. */
    static final class Json {
        private Json() {
        }

        static String string(String value) {
            StringBuilder out = new StringBuilder(value.length() + 2).append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    default -> {
                        if (c < 0x20 || c > 0x7E) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.append('"').toString();
        }

        static String array(List<String> values) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < values.size(); i++) {
                out.append(i == 0 ? "" : ",").append(string(values.get(i)));
            }
            return out.append(']').toString();
        }
    }
}
