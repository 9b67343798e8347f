package io.scopeenforcer;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What a request presents besides its token to prove it holds the token's key (sender-constrained tokens): its
 * {@code DPoP} header values (RFC 9449 §4) and its TLS client certificate (RFC 8705 §3), with the request's raw
 * path as the client sent it (context path included), which a DPoP proof's {@code htu} names.
 *
 * @param dpopProofs every {@code DPoP} header value of the request, in order; empty when it had none
 * @param requestPath the raw, still percent-encoded request path without the query (e.g. {@code getRequestURI()});
 *     null to use the path given to {@link Enforcer#decide(String, String, String, ProofOfPossession)}
 * @param clientCertificate the TLS client certificate (the first of the chain), or null
 */
public record ProofOfPossession(List<String> dpopProofs, String requestPath, X509Certificate clientCertificate) {

    /** Nothing presented: what {@link Enforcer#decide(String, String, String)} assumes. */
    public static final ProofOfPossession NONE = new ProofOfPossession(List.of(), null, null);

    /** Copies the list. */
    public ProofOfPossession {
        dpopProofs = List.copyOf(Objects.requireNonNull(dpopProofs, "dpopProofs"));
    }

    /** One {@code DPoP} header, the path taken from the decision's. */
    public static ProofOfPossession dpop(String proof) {
        return new ProofOfPossession(List.of(proof), null, null);
    }

    /** A TLS client certificate only. */
    public static ProofOfPossession certificate(X509Certificate certificate) {
        return new ProofOfPossession(List.of(), null, certificate);
    }
}
