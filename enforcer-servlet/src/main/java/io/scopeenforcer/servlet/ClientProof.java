package io.scopeenforcer.servlet;

import io.scopeenforcer.ProofOfPossession;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * What a request presents for a sender-constrained token, read from the servlet request: its {@code DPoP}
 * headers (only when the {@code Authorization} header uses the {@code DPoP} scheme) and its TLS client certificate
 * (only on a secure request, or from the configured proxy header). A bearer request over plain HTTP reads nothing
 * and gets {@link ProofOfPossession#NONE}. Stateless.
 */
final class ClientProof {

    /** The Servlet 6.0 request attribute holding the TLS client certificate chain (§3.10). */
    static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
    /** The longest certificate header read: a client certificate chain's leaf is a few KiB. */
    static final int MAX_CERTIFICATE_HEADER = 16384;

    private ClientProof() {
    }

    /** Whether {@code authorization} uses the {@code DPoP} scheme (case-insensitive, RFC 9110 §11.1). */
    static boolean isDpopScheme(String authorization) {
        return authorization != null && authorization.length() > 4 && authorization.regionMatches(true, 0, "DPoP", 0, 4)
                && (authorization.charAt(4) == ' ' || authorization.charAt(4) == '\t');
    }

    /** What {@code request} presents. */
    static ProofOfPossession of(FilterSettings settings, HttpServletRequest request, String authorization) {
        boolean dpop = isDpopScheme(authorization);
        String header = settings.clientCertificateHeader();
        if (!dpop && header == null && !request.isSecure()) {
            return ProofOfPossession.NONE;
        }
        List<String> proofs = dpop ? values(request.getHeaders("DPoP")) : List.of();
        X509Certificate certificate = header != null ? fromHeader(request.getHeader(header)) : fromAttribute(request);
        // The htu of a proof names the path as the client sent it, context path included (RFC 9449 §4.2).
        return new ProofOfPossession(proofs, dpop ? request.getRequestURI() : null, certificate);
    }

    private static List<String> values(Enumeration<String> headers) {
        if (headers == null || !headers.hasMoreElements()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(1);
        while (headers.hasMoreElements()) {
            out.add(headers.nextElement());
            if (out.size() > 2) {
                break; // more than one is refused anyway
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static X509Certificate fromAttribute(HttpServletRequest request) {
        if (!request.isSecure()) {
            return null;
        }
        Object chain = request.getAttribute(CERTIFICATE_ATTRIBUTE);
        return chain instanceof X509Certificate[] certificates && certificates.length > 0 ? certificates[0] : null;
    }

    /**
     * The certificate in a proxy's header: RFC 9440 §2.2 {@code :base64 DER:}, or a URL-encoded PEM (nginx
     * {@code $ssl_client_escaped_cert}, Envoy's {@code Cert="..."} is not read); null when absent or unreadable,
     * which fails a certificate-bound token and nothing else.
     */
    static X509Certificate fromHeader(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_CERTIFICATE_HEADER) {
            return null;
        }
        try {
            byte[] der;
            String v = value.strip();
            if (v.length() > 2 && v.charAt(0) == ':' && v.charAt(v.length() - 1) == ':') {
                der = Base64.getDecoder().decode(v.substring(1, v.length() - 1));
            } else {
                String pem = URLDecoder.decode(v, StandardCharsets.US_ASCII);
                int begin = pem.indexOf("-----BEGIN CERTIFICATE-----");
                int end = pem.indexOf("-----END CERTIFICATE-----");
                if (begin < 0 || end < begin) {
                    return null;
                }
                der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
            }
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | IllegalArgumentException | ClassCastException e) {
            return null;
        }
    }
}
