package io.scopeenforcer.servlet;

import static io.scopeenforcer.servlet.Problems.assertNot5xx;
import static io.scopeenforcer.servlet.Problems.assertNothingEchoed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scopeenforcer.servlet.FilterServer.Reply;
import io.scopeenforcer.servlet.FilterServer.Request;

/**
 * What one container does with a request, exactly: refuses it itself before any filter runs (a status, no problem
 * document, the filter's decision count unchanged), or lets it through to the filter, which denies it with a
 * status and detail or allows it to the application. The tables of requests that Jetty 12 and Tomcat 11 treat
 * differently hold one {@code Answer} per container.
 *
 * @param status the status of the final answer
 * @param byFilter whether the filter decided (false: the container refused it first)
 * @param detail the filter's problem detail for a denial, null otherwise
 */
record Answer(int status, boolean byFilter, String detail) {

    /** The container answers it itself (mostly a refusal) with this status; the filter never sees it. */
    static Answer byContainer(int status) {
        return new Answer(status, false, null);
    }

    /** The filter denies it with this status and problem detail. */
    static Answer denied(int status, String detail) {
        return new Answer(status, true, detail);
    }

    /** The filter allows it and the application answers 200. */
    static Answer allowed() {
        return new Answer(200, true, null);
    }

    /** The one of the two that applies to this container. */
    static Answer on(FilterContainer container, Answer jetty, Answer tomcat) {
        if (container == JettyContainer.INSTANCE) {
            return jetty;
        }
        if (container == TomcatContainer.INSTANCE) {
            return tomcat;
        }
        throw new IllegalArgumentException("no observations for " + container);
    }

    /** Sends the request and asserts this answer; never a 5xx, never a secret echoed. Returns the reply. */
    Reply assertFor(FilterServer server, Request request, String... secrets) {
        long before = server.decisions();
        Reply reply = server.send(request);
        boolean decided = server.decisions() > before;
        if (byFilter || status != 501) {
            // The one 5xx allowed: a container's own 501 for a method it does not implement (Tomcat and CONNECT,
            // RFC 9110 §15.6.2), which no filter is asked about and no deployment setting changes.
            assertNot5xx(reply);
        }
        assertNothingEchoed(reply, secrets);
        assertEquals(status, reply.status(), reply::body);
        assertEquals(byFilter, decided, () -> (byFilter ? "the filter did not decide: " : "the filter decided: ")
                + reply.headers() + "\n" + reply.body());
        if (!byFilter) {
            assertFalse(Problems.isFromFilter(reply), reply::body);
        } else if (status == 200) {
            assertEquals("true", reply.echo().get("reached"), reply::body);
        } else {
            assertTrue(Problems.isFromFilter(reply), () -> "not problem+json: " + reply.headers());
            assertEquals(detail, Denials.json(reply).get("detail"), reply::body);
        }
        return reply;
    }

    @Override
    public String toString() {
        return byFilter ? (status == 200 ? "allowed" : "filter " + status + " " + detail) : "container " + status;
    }
}
