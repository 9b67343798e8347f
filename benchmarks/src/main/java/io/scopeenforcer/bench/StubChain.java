package io.scopeenforcer.bench;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * The end of the chain: the application. It only remembers what reached it, so that a benchmark can hand it
 * to the blackhole and a setup check can see that the request was let through.
 */
final class StubChain implements FilterChain {

    /** The last request (possibly wrapped) that reached the application. */
    ServletRequest last;
    /** How many requests reached the application. */
    long passed;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response) {
        last = request;
        passed++;
    }
}
