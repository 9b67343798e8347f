/**
 * Bearer access token verification (docs/architecture.md §7) and the verified-token caches (§10).
 *
 * <p>The door is {@link io.scopeenforcer.token.TokenVerifier}: configure one or more
 * {@link io.scopeenforcer.token.TrustedIssuer}s, call {@code verify(token)}, and act on the
 * {@link io.scopeenforcer.token.TokenResult}: a {@link io.scopeenforcer.token.VerifiedToken} or a
 * {@link io.scopeenforcer.token.TokenFailure} with a client-safe description. Everything else in this package
 * is package-private.
 */
package io.scopeenforcer.token;
